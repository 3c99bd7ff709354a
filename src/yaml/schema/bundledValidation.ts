import { join } from 'node:path';
import { createCompiledSchemaValidation } from './compiledService';
import type { SchemaValidation, YamlLanguageService } from './languageService';
import { readBundledSchema } from './location';
import { createWorkerYamlLanguageService } from './workerService';

/**
 * The command line's schema validation, compiled from the bundled schema: `dir` is the bundle's folder (dist/).
 * yaml-language-server, in its worker thread (`yamlWorker.js` there), is started only for the rare text the
 * compiled validation leaves to it (anchors, aliases, tags, merge keys); `dispose` stops it.
 */
export function bundledSchemaValidation(dir: string): { readonly load: () => Promise<SchemaValidation>; dispose(): void } {
  let fallback: YamlLanguageService | undefined;
  return {
    load: async () => {
      const json = await readBundledSchema(dir);
      return createCompiledSchemaValidation(json, async () => (fallback ??= createWorkerYamlLanguageService(json, join(dir, 'yamlWorker.js'))));
    },
    dispose: () => fallback?.dispose(),
  };
}
