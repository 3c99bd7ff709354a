/** The `lint` command line. */
export async function main(argv: string[]): Promise<number> {
  process.stderr.write(`usage: istio-mesh lint [--format json|text] <files or dirs>\n(got: ${argv.join(' ')})\n`);
  return 2;
}
