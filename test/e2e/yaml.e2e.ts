import * as assert from 'node:assert/strict';
import { Workbench } from './workbench';

const MANIFEST = [
  '# The shop namespace: the label value below is a common mistake.',
  'apiVersion: v1',
  'kind: Namespace',
  'metadata:',
  '  name: shop',
  '  labels:',
  '    istio-injection: "true"',
  '---',
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata:',
  '  name: storefront',
  '  namespace: shop',
  'spec:',
  '  hosts: [storefront]',
  '  http:',
  '    - route:',
  '        - destination: {host: storefront}',
  '',
].join('\n');

describe('YAML checks in the browser', () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open({ files: { 'manifests/shop.yaml': MANIFEST } });
  });

  after(async () => {
    await workbench?.close();
  });

  it('underlines the mistake and lists it in Problems', async () => {
    await workbench.openFile('manifests/shop.yaml');
    await workbench.squiggles('error').first().waitFor();
    await workbench.screenshot('yaml-squiggle');
    // Rows: the file, then its problems. Exactly one problem: no schema error beside the Istio finding. The workspace
    // analysis may add, whenever its first scan ends, an Info that the VirtualService's host is not in the workspace
    // (it may live in the cluster): that is its own feature, left out here.
    const problems = (await workbench.problems('injection-label-value')).filter((row) => !row.startsWith('shop.yaml') && !/not found in the workspace/.test(row));
    assert.equal(problems.length, 1, problems.join('\n---\n'));
    assert.match(problems[0], /istio-injection: "true" is neither "enabled" nor "disabled"/);
    assert.match(problems[0], /injection-label-value/);
    await workbench.screenshot('yaml-problems');
  });

  it('applies the quick fix from the light bulb, and the squiggle goes', async () => {
    const page = workbench.page;
    // Click into the underlined value (the squiggle itself takes no clicks): the light bulb appears on that line.
    const box = await workbench.squiggles('error').first().boundingBox();
    assert.ok(box, 'the squiggle has no box');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    // The preferred fix shows as the "autofix" bulb.
    const bulb = page.locator('.editor-group-container.active .lightBulbWidget.codicon-lightbulb-autofix');
    await bulb.waitFor();
    await bulb.click();
    const fix = page.locator('.action-widget .monaco-list-row').filter({ hasText: 'Set istio-injection: enabled' }).first();
    await fix.waitFor();
    await workbench.screenshot('yaml-quick-fix');
    await fix.click();
    await workbench.squiggles('error').first().waitFor({ state: 'detached' });
    await page.locator('.editor-group-container.active .view-lines').getByText('istio-injection: enabled').waitFor();
    await workbench.screenshot('yaml-fixed');
  });
});
