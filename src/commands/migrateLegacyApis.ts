import * as vscode from 'vscode';
import { toWorkspaceEdit } from '../editor/convert';
import type { Services } from '../services';
import { planMigration } from '../yaml/migrate';
import { type Prompter, vscodePrompter } from './prompter';
import { testOnlyArgs } from './testArgs';

/** What the command did, for tests: `applied` counts the resources replaced, `removed` the removed settings taken out. */
export type MigrateResult =
  | { readonly status: 'no-editor' | 'nothing' | 'cancelled' | 'changed' | 'failed' }
  | { readonly status: 'applied'; readonly applied: number; readonly removed: number; readonly manual: number };

const SCHEME = 'istio-migrate';

/**
 * `istio.migrateLegacyApis` (Istio: Migrate File from Istio 1.x APIs): the mechanical migrations of the active YAML
 * file (src/yaml/migrate.ts: removed APIs replaced, removed settings that do nothing taken out), shown as a diff
 * against the file, then applied on confirmation as one workspace edit.
 * The migrated text is served read-only under its own scheme, so the diff leaves no untitled file to save.
 */
export const migrateLegacyApis = (s: Services) => {
  const migrated = new Map<string, string>();
  let provider: vscode.Disposable | undefined;
  return async (args?: { readonly prompter?: Prompter }): Promise<MigrateResult> => {
    // A scripted prompter answers the confirmation in the integration tests only.
    const prompter = testOnlyArgs(s, 'istio.migrateLegacyApis', args).prompter ?? vscodePrompter;
    const document = vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== 'yaml') {
      void vscode.window.showInformationMessage('Open a YAML file to migrate it from Istio 1.x APIs.');
      return { status: 'no-editor' };
    }
    const version = document.version;
    const plan = planMigration(document.getText(), s.yaml.clusterFacts(), { istioValues: await s.yaml.istioValuesFile(document) });
    const name = document.uri.path.split('/').pop() ?? 'file';
    if (plan.migrated === 0 && plan.removed === 0) {
      const more = plan.manual.length ? `${plan.manual.length} removed Istio API(s) or setting(s) need work by hand: see the Problems panel.` : 'It uses no removed Istio 1.x API or setting.';
      void vscode.window.showInformationMessage(`Nothing in ${name} migrates automatically. ${more}`);
      return { status: 'nothing' };
    }
    if (!provider) {
      provider = vscode.workspace.registerTextDocumentContentProvider(SCHEME, { provideTextDocumentContent: (uri) => migrated.get(uri.toString()) ?? '' });
      s.context.subscriptions.push(provider);
    }
    const right = vscode.Uri.from({ scheme: SCHEME, path: document.uri.path, query: String(version) });
    migrated.set(right.toString(), plan.after);
    await vscode.commands.executeCommand('vscode.diff', document.uri, right, `${name} ↔ migrated from Istio 1.x APIs`, { preview: true });
    const manual = plan.manual.length ? ` ${plan.manual.length} other removed API(s) or setting(s) need work by hand (see the Problems panel).` : '';
    const ok = await prompter.confirm(question(plan.migrated, plan.removed, name), `The diff shows the result.${manual}`, 'Apply');
    migrated.delete(right.toString());
    if (!ok) return { status: 'cancelled' };
    if (document.version !== version) {
      void vscode.window.showWarningMessage(`${name} changed while the diff was open: run the migration again.`);
      return { status: 'changed' };
    }
    if (!(await vscode.workspace.applyEdit(toWorkspaceEdit(document, { title: 'Migrate from Istio 1.x APIs', edits: plan.edits })))) {
      void vscode.window.showErrorMessage(`Could not edit ${name}.`);
      return { status: 'failed' };
    }
    return { status: 'applied', applied: plan.migrated, removed: plan.removed, manual: plan.manual.length };
  };
};

function question(migrated: number, removed: number, name: string): string {
  const settings = `${removed} setting(s) Istio removed`;
  if (removed === 0) return `Migrate ${migrated} resource(s) of ${name} from Istio 1.x APIs?`;
  if (migrated === 0) return `Remove ${settings} from ${name}?`;
  return `Migrate ${migrated} resource(s) of ${name} from Istio 1.x APIs and remove ${settings}?`;
}
