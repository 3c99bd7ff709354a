/**
 * The uninstall's confirmation, apart from VS Code so the cluster tier can prove a refused one changes nothing.
 * Something still using what goes (namespaces, tags, pods: listed by name) makes it two steps: the modal with the
 * list, then typing the revision's name. So it is never one click.
 */
import type { UninstallScope } from './args';
import { describeUsers, unused, type RevisionUsers } from './usage';

/** The two questions asked; the command's Prompter answers them (quick input and modal). */
export interface UninstallAsker {
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  input(request: { title: string; prompt?: string; validate?: (value: string) => string | undefined }): Promise<string | undefined>;
}

export function describeScope(scope: UninstallScope): string {
  return scope.kind === 'purge' ? 'ALL of Istio' : `Istio revision "${scope.revision}"`;
}

/** True only when the user confirmed, and, when something uses it, typed its name (`purge` for everything). */
export async function confirmUninstall(asker: UninstallAsker, scope: UninstallScope, context: string, commandLine: string, users: RevisionUsers): Promise<boolean> {
  const what = describeScope(scope);
  const inUse = !unused(users);
  const detail = [
    `Command: ${commandLine}`,
    ...describeUsers(users),
    ...(scope.kind === 'purge' ? ['Istio custom resources (VirtualServices, PeerAuthentications, ...) are deleted with their CRDs.'] : []),
  ].join('\n');
  const question = inUse ? `${what} is still in use. Remove it from Kubernetes context "${context}" anyway?` : `Remove ${what} from Kubernetes context "${context}"?`;
  if (!(await asker.confirm(question, detail, inUse ? 'Uninstall Anyway' : 'Uninstall'))) return false;
  if (!inUse) return true;
  const expected = scope.kind === 'purge' ? 'purge' : scope.revision;
  const typed = await asker.input({
    title: `Type "${expected}" to remove ${what} from context "${context}"`,
    prompt: describeUsers(users).join(' '),
    validate: (value) => (value === expected ? undefined : `Type "${expected}" to confirm.`),
  });
  return typed === expected;
}
