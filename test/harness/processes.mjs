// Child processes the harness starts: each in its own process group, all killed on exit, on
// Ctrl+C / SIGTERM and on failure, so no server or browser outlives a run.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const groups = new Set();
const cleanups = [];

/** Spawns `command` (argument array, never a shell string) as the leader of a new process group. */
export function spawnGroup(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  groups.add(child.pid);
  child.once('exit', () => groups.delete(child.pid));
  return child;
}

/** Sends SIGTERM to the group, then SIGKILL if it is still there after `graceMs`. */
export async function killGroup(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) {
    signalGroup(child.pid, 'SIGKILL'); // the leader is gone; its children may not be
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signalGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  signalGroup(child.pid, 'SIGKILL');
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Registers async clean-up (browser, cluster) run before the process groups are killed. */
export function onCleanup(fn) {
  cleanups.unshift(fn);
}

let cleaning;
/** Runs registered clean-ups (newest first) and kills every group still alive. Idempotent. */
export function cleanupAll() {
  cleaning ??= (async () => {
    for (const fn of cleanups) {
      try {
        await fn();
      } catch (error) {
        console.error(`clean-up failed: ${error.message}`);
      }
    }
    for (const pid of groups) signalGroup(pid, 'SIGKILL');
  })();
  return cleaning;
}

// Synchronous last resort: 'exit' handlers cannot await, but they can still signal.
process.on('exit', () => {
  for (const pid of groups) signalGroup(pid, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    cleanupAll().finally(() => process.exit(130));
  });
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Waits until `url` answers HTTP, failing early if `child` exits first. Between attempts it waits
 * for the child's next output or a short back-off, whichever comes first, never a fixed sleep.
 */
export async function waitForHttp(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (exited) throw new Error(`${child.spawnfile} exited before ${url} answered`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Runs a command to completion with inherited output; rejects with its exit status. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawnGroup(command, args, { stdio: 'inherit', ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed: ${signal ?? `exit ${code}`}`)),
    );
  });
}
