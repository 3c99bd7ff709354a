import assert from 'node:assert/strict';
import { confirmUninstall, type UninstallAsker } from '../../../src/install/uninstallConfirmation';
import type { RevisionUsers } from '../../../src/install/usage';

/** Answers the modal with `confirm` and the name question with `typed`; records what was asked. */
function asker(confirm: boolean, typed?: string) {
  const asked: { kind: string; title: string; detail?: string; action?: string }[] = [];
  const a: UninstallAsker = {
    async confirm(message, detail, action) {
      asked.push({ kind: 'confirm', title: message, detail, action });
      return confirm;
    },
    async input(request) {
      asked.push({ kind: 'input', title: request.title });
      return typed;
    },
  };
  return { a, asked };
}

const inUse: RevisionUsers = { namespaces: ['pay', 'shop'], tags: [{ name: 'prod', revision: 'canary' }], pods: [{ namespace: 'shop', pods: 2 }] };
const unusedUsers: RevisionUsers = { namespaces: [], tags: [], pods: [] };
const canary = { kind: 'revision', revision: 'canary' } as const;

describe('uninstall confirmation', () => {
  it('one modal naming the context when nothing uses the revision', async () => {
    const { a, asked } = asker(true);
    assert.equal(await confirmUninstall(a, canary, 'kind-dev', 'istioctl uninstall -y --revision canary', unusedUsers), true);
    assert.deepEqual(asked, [{ kind: 'confirm', title: 'Remove Istio revision "canary" from Kubernetes context "kind-dev"?', detail: 'Command: istioctl uninstall -y --revision canary', action: 'Uninstall' }]);
  });

  it('in use: the modal lists namespaces, tags and pods per namespace, then the revision\'s name must be typed', async () => {
    const { a, asked } = asker(true, 'canary');
    assert.equal(await confirmUninstall(a, canary, 'kind-dev', 'istioctl uninstall -y --revision canary', inUse), true);
    assert.equal(asked[0].title, 'Istio revision "canary" is still in use. Remove it from Kubernetes context "kind-dev" anyway?');
    assert.equal(asked[0].action, 'Uninstall Anyway');
    assert.equal(asked[0].detail, [
      'Command: istioctl uninstall -y --revision canary',
      'Namespaces still using it (their sidecars lose their control plane): pay, shop',
      'Revision tags pointing at it: prod → canary',
      'Running pods with its proxy (2): shop 2',
    ].join('\n'));
    assert.deepEqual(asked[1], { kind: 'input', title: 'Type "canary" to remove Istio revision "canary" from context "kind-dev"' });
  });

  it('in use: one click is not enough (no name, or a wrong one, refuses)', async () => {
    assert.equal(await confirmUninstall(asker(true, undefined).a, canary, 'c', 'x', inUse), false);
    assert.equal(await confirmUninstall(asker(true, 'prod').a, canary, 'c', 'x', inUse), false);
    assert.equal(await confirmUninstall(asker(false, 'canary').a, canary, 'c', 'x', inUse), false);
  });

  it('pods that could not be read count as in use; a purge asks for "purge"', async () => {
    const { a, asked } = asker(true, 'purge');
    assert.equal(await confirmUninstall(a, { kind: 'purge' }, 'c', 'x', { namespaces: [], tags: [] }), true);
    assert.match(asked[0].detail ?? '', /Running pods: unknown/);
    assert.equal(asked[1].title, 'Type "purge" to remove ALL of Istio from context "c"');
  });
});
