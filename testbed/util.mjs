// Small helpers shared by the testbed scripts: errors with a fix, child processes, paths, polling.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** An error whose message already tells the user what went wrong and how to fix it. */
export class TestbedError extends Error {
  constructor(message, { logTail } = {}) {
    super(logTail ? `${message}\n${logTail}` : message);
    this.name = 'TestbedError';
  }
}

/** Where builds are cached: $ISTIO_MESH_TESTBED_CACHE, else $XDG_CACHE_HOME/istio-mesh/testbed, else ~/.cache/... */
export function cacheRoot() {
  if (process.env.ISTIO_MESH_TESTBED_CACHE) return process.env.ISTIO_MESH_TESTBED_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'istio-mesh', 'testbed');
}

/** The state dir of a running testbed: explicit, else $ISTIO_MESH_TESTBED_DIR, else <cache>/run. */
export function stateDir(dir) {
  return dir || process.env.ISTIO_MESH_TESTBED_DIR || join(cacheRoot(), 'run');
}

/**
 * Runs a program to completion with an argument array (no shell). Resolves with stdout; rejects
 * with an Error carrying `code`, `stdout` and `stderr`.
 */
export function run(file, args, { cwd, env, timeout = 0, maxBuffer = 64 * 1024 * 1024 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, timeout, maxBuffer }, (err, stdout, stderr) => {
      if (err) {
        err.stdout = stdout;
        err.stderr = stderr;
        reject(err);
      } else resolve(stdout);
    });
  });
}

/**
 * Runs a program with its output appended to a log file (and optionally echoed). Resolves with the
 * exit code; rejects only when the program cannot be started.
 */
export function runLogged(file, args, { cwd, env, logFd, echo = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const write = (chunk) => {
      if (logFd !== undefined) logFd.write(chunk);
      if (echo) process.stderr.write(chunk);
    };
    child.stdout.on('data', write);
    child.stderr.on('data', write);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** The last `lines` lines of a file, indented, or '' if it cannot be read. */
export function tail(path, lines = 25) {
  if (!existsSync(path)) return '';
  const text = readFileSync(path, 'utf8').trimEnd().split('\n');
  return text.slice(-lines).map((l) => `    ${l}`).join('\n');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` until it returns a truthy value, and returns that value. `check` may throw to give
 * up early. Throws a TestbedError naming `what` after `timeoutMs`.
 */
export async function waitFor(what, check, { timeoutMs = 60_000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      if (err instanceof TestbedError) throw err;
      last = err;
    }
    if (Date.now() > deadline) {
      throw new TestbedError(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** Seconds since `t0` (a Date.now() value), one decimal. */
export function since(t0) {
  return Math.round((Date.now() - t0) / 100) / 10;
}
