import * as assert from 'node:assert/strict';
import { Workbench } from './workbench';

// A namespace the cluster does not have, so the verdict comes from the Namespace document in the same file.
const MANIFEST = [
  'apiVersion: v1',
  'kind: Namespace',
  'metadata:',
  '  name: storefront',
  '  labels:',
  '    istio-injection: enabled',
  '---',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  '  namespace: storefront',
  'spec:',
  '  selector:',
  '    matchLabels: {app: web}',
  '  template:',
  '    metadata:',
  '      labels: {app: web}',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          image: nginx',
  '',
].join('\n');

describe('the sidecar verdict in the browser', () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open({ files: { 'manifests/storefront.yaml': MANIFEST } });
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows the verdict as a CodeLens above the workload and on hover over its kind', async () => {
    await workbench.openFile('manifests/storefront.yaml');
    const page = workbench.page;
    const lens = page.locator('.editor-group-container.active .codelens-decoration').filter({ hasText: /will get a sidecar/ }).first();
    await lens.waitFor({ timeout: 60_000 });
    assert.match(await lens.innerText(), /will get a sidecar from istiod/);
    await workbench.screenshot('yaml-verdict-codelens');

    const kind = page.locator('.editor-group-container.active .view-lines .view-line').filter({ hasText: 'kind: Deployment' }).getByText('Deployment');
    const box = await kind.boundingBox();
    assert.ok(box, 'the kind has no box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover').filter({ hasText: /will get a sidecar/ }).first();
    await hover.waitFor({ timeout: 30_000 });
    assert.match(await hover.innerText(), /istio-injection=enabled/);
    await workbench.screenshot('yaml-verdict-hover');
  });
});
