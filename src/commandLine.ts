import { analyzeMain } from './workspace/analyzeCli';
import { main as lintMain, visible, type CliIo, type SchemaLoader } from './yaml/cli';
import type { ParallelOptions } from './yaml/parallel/run';
import { explainMain } from './yaml/explainCli';

const USAGE = `usage: istio-mesh <command> [options] <files or directories>

Commands:
  lint      check Kubernetes and Istio YAML: schema errors, Istio injection mistakes, Istio's analyzers of one resource
  explain   say, for each workload, whether its pods will get an Istio sidecar, and why
  analyze   run Istio's analyzers that read several resources (references not found, conflicting hosts) over the files together

Run \`istio-mesh <command> --help\` for a command's options.
`;

/** The command line's subcommands, with one top-level help. Returns the exit status. */
export async function runCommandLine(
  argv: readonly string[],
  io: CliIo,
  schemas?: SchemaLoader,
  options: Pick<ParallelOptions, 'fs' | 'workerScript' | 'spare' | 'since'> = {},
): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'lint':
      return lintMain(argv, io, schemas, options);
    case 'explain':
      return explainMain(rest, io);
    case 'analyze':
      return analyzeMain(rest, io, options);
    case '--help':
    case '-h':
    case 'help':
      io.stdout.write(USAGE);
      return 0;
    default:
      io.stderr.write(`istio-mesh: ${command === undefined ? 'missing command' : `unknown command: ${visible(command)}`}\n${USAGE}`);
      return 2;
  }
}
