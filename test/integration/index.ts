// The mocha runner inside the VS Code extension host (the `extensionTestsPath` module): VS Code
// calls `run()` and reports its outcome through the launcher's exit code. Console output of the
// extension host does not reach the terminal, so results go to the file named by
// ISTIO_MESH_TEST_RESULTS, which the launcher prints.
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** Writes one line per test as it finishes (so a crash still leaves a trace) and a closing tally. */
function fileReporter(resultsFile: string | undefined): typeof Mocha.reporters.Base {
  const write = (line: string) => (resultsFile ? appendFileSync(resultsFile, `${line}\n`) : console.log(line));
  const { EVENT_SUITE_BEGIN, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;
  return class FileReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
      super(runner, options);
      if (resultsFile) writeFileSync(resultsFile, '');
      const indent = (test: Mocha.Runnable | Mocha.Suite) => '  '.repeat(test.titlePath().length);
      runner.on(EVENT_SUITE_BEGIN, (suite) => suite.title && write(`${indent(suite).slice(2)}${suite.title}`));
      runner.on(EVENT_TEST_PASS, (test) => write(`${indent(test)}✓ ${test.title} (${test.duration} ms)`));
      runner.on(EVENT_TEST_PENDING, (test) => write(`${indent(test)}- ${test.title} (skipped)`));
      runner.on(EVENT_TEST_FAIL, (test, error: Error) =>
        write(`${indent(test)}✗ ${test.title}\n${(error.stack ?? String(error)).replace(/^/gm, `${indent(test)}    `)}`),
      );
      runner.once(EVENT_RUN_END, () => {
        const { passes, failures, pending } = this.stats;
        write(`\nintegration: ${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`);
      });
    }
  };
}

/**
 * The run "with companions" (ISTIO_MESH_COMPANIONS, set by run-integration.mjs beside the stand-ins it installs) runs
 * `companions/` only, the run with two clusters (ISTIO_MESH_MULTICLUSTER) `multicluster/` only; the run alone the rest.
 */
function testFiles(dir: string): string[] {
  const folder = process.env.ISTIO_MESH_COMPANIONS === '1' ? 'companions/' : process.env.ISTIO_MESH_MULTICLUSTER === '1' ? 'multicluster/' : undefined;
  const runs = (file: string) => (folder ? file.startsWith(folder) : !file.startsWith('companions/') && !file.startsWith('multicluster/'));
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js') && runs(file))
    .sort()
    .map((file) => join(dir, file));
}

export async function run(): Promise<void> {
  let failures: number;
  try {
    failures = await runMocha();
  } catch (error) {
    // A test file that throws while loading never reaches the reporter: record why.
    const resultsFile = process.env.ISTIO_MESH_TEST_RESULTS;
    if (resultsFile) appendFileSync(resultsFile, `integration: the run stopped: ${error instanceof Error ? error.stack : String(error)}\n`);
    throw error;
  }
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}

/** Loads every compiled test file next to this runner and resolves with the number of failures. */
async function runMocha(): Promise<number> {
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 30_000,
    color: false,
    reporter: fileReporter(process.env.ISTIO_MESH_TEST_RESULTS),
    ...(process.env.ISTIO_MESH_TEST_GREP ? { grep: process.env.ISTIO_MESH_TEST_GREP } : {}),
  });
  for (const file of testFiles(__dirname)) mocha.addFile(file);
  await mocha.loadFilesAsync();
  // A run that finds no test at all (a file renamed out of the pattern, a wrong run name) must not pass as green.
  if (!process.env.ISTIO_MESH_TEST_GREP && mocha.suite.total() === 0) throw new Error(`no integration test was found in ${__dirname}`);
  return new Promise<number>((resolve) => mocha.run(resolve));
}
