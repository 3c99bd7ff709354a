// Tokenizes text the way VS Code does (vscode-textmate on the Oniguruma WebAssembly build) with the
// extension's injection grammars applied to their host languages as `contributes.grammars` declares them.
// The host grammars are the ones the tm-grammars package collects: YAML (textmate/yaml.tmbundle) and Log
// (the same source as VS Code's built-in log grammar).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar } from 'vscode-textmate';
import { repoRoot } from '../repoRoot';

interface GrammarContribution { scopeName: string; path: string; injectTo?: string[] }

const root = repoRoot();
const contributions = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { grammars: GrammarContribution[] } }).contributes.grammars;

// Resolved from the repository's node_modules at run time (the test bundle does not carry these files).
const resolveFromRoot = createRequire(join(root, 'package.json')).resolve;
const HOST_GRAMMARS: Record<string, string> = {
  'source.yaml': resolveFromRoot('tm-grammars/grammars/yaml.json'),
  'text.log': resolveFromRoot('tm-grammars/grammars/log.json'),
};

function grammarPath(scopeName: string): string | undefined {
  const ours = contributions.find((g) => g.scopeName === scopeName);
  return ours ? join(root, ours.path) : HOST_GRAMMARS[scopeName];
}

let registry: Registry | undefined;

function getRegistry(): Registry {
  registry ??= new Registry({
    // loadWASM may run once per process: the registry, made once, holds the promise.
    onigLib: loadWASM(readFileSync(resolveFromRoot('vscode-oniguruma/release/onig.wasm')).buffer as ArrayBuffer).then(() => ({
      createOnigScanner: (sources: string[]) => new OnigScanner(sources),
      createOnigString: (text: string) => new OnigString(text),
    })),
    loadGrammar: async (scopeName) => {
      const path = grammarPath(scopeName);
      return path ? parseRawGrammar(readFileSync(path, 'utf8'), path) : null;
    },
    // As VS Code does: a grammar with `injectTo` is injected into each scope it names.
    getInjections: (scopeName) => contributions.filter((g) => g.injectTo?.includes(scopeName)).map((g) => g.scopeName),
  });
  return registry;
}

async function loadGrammar(scopeName: string): Promise<IGrammar> {
  const grammar = await getRegistry().loadGrammar(scopeName);
  if (!grammar) throw new Error(`no grammar for ${scopeName}`);
  return grammar;
}

export interface Token { start: number; end: number; text: string; scopes: string[] }

/** The tokens of each line of `text`, carrying the rule stack from line to line as an editor does. */
function tokenize(grammar: IGrammar, text: string): Token[][] {
  let state = INITIAL;
  return text.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({ start: t.startIndex, end: t.endIndex, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/**
 * The tokens over `text`, its first occurrence on the last line of `source` (earlier lines give context, as
 * `metadata:` above `labels:`), and whether they cover exactly that text.
 */
async function tokensOver(scopeName: string, source: string, text: string): Promise<{ tokens: Token[]; exact: boolean; line: Token[] }> {
  const lines = tokenize(await loadGrammar(scopeName), source);
  const line = lines[lines.length - 1];
  const start = source.split('\n').pop()!.indexOf(text);
  assert.ok(start >= 0, `"${text}" is not on the last line of the source`);
  const end = start + text.length;
  const tokens = line.filter((t) => t.start < end && t.end > start);
  return { tokens, exact: tokens[0].start === start && tokens[tokens.length - 1].end === end, line };
}

const dump = (line: Token[]) => line.map((t) => `${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`).join('\n  ');

/** Asserts that `text` (on the last line of `source`) is tokenized on its own, every piece carrying `scope`. */
export async function assertScope(scopeName: string, source: string, text: string, scope: string): Promise<void> {
  const { tokens, exact, line } = await tokensOver(scopeName, source, text);
  assert.ok(exact && tokens.every((t) => t.scopes.includes(scope)), `expected "${text}" to be ${scope}; tokens:\n  ${dump(line)}`);
}

/** Asserts that no piece of `text` (on the last line of `source`) carries a scope of ours. */
export async function assertNoIstioScope(scopeName: string, source: string, text: string): Promise<void> {
  const { tokens, line } = await tokensOver(scopeName, source, text);
  assert.ok(tokens.every((t) => !t.scopes.some((s) => s.includes('.istio'))), `expected "${text}" to carry no Istio scope; tokens:\n  ${dump(line)}`);
}
