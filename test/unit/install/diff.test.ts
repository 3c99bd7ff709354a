import assert from 'node:assert/strict';
import type { UnstructuredObject } from '../../../src/cluster/types';
import { diffManifest, formatManifestDiff, objectKey } from '../../../src/install/diff';
import { parseManifest } from '../../../src/install/installer';
import { istiodDeployment } from '../../builders/install';

const generatedIstiod = (image: string): UnstructuredObject => {
  const d = istiodDeployment({ image });
  delete (d as { status?: unknown }).status;
  return d;
};

describe('manifest diff', () => {
  it('finds new, changed and unchanged objects, comparing only what the manifest sets', () => {
    const live = istiodDeployment({ image: 'istio/pilot:1.28.2' });
    // The server adds fields and status that the manifest does not mention: not changes.
    (live.metadata as Record<string, unknown>).uid = 'abc';
    (live.spec as Record<string, unknown>).progressDeadlineSeconds = 600;
    const sameService: UnstructuredObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'istiod', namespace: 'istio-system' }, spec: { ports: [{ port: 15012, targetPort: 15012 }] } };
    const liveService = { ...sameService, spec: { ports: [{ port: 15012, targetPort: '15012', protocol: 'TCP' }], clusterIP: '10.96.0.7' } };
    const newConfig: UnstructuredObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'x' } };
    const diff = diffManifest([generatedIstiod('istio/pilot:1.29.0'), sameService, newConfig], new Map([
      [objectKey(live), live],
      [objectKey(sameService), liveService as UnstructuredObject],
    ]));
    assert.deepEqual(diff, {
      added: ['ConfigMap istio-system/istio'],
      changed: [{ object: 'Deployment istio-system/istiod', fields: ['spec.template.spec.containers[0].image'] }],
      unchanged: 1,
    });
    const text = formatManifestDiff(diff, 'prod', 'istioctl install -y');
    assert.match(text, /context "prod"/);
    assert.match(text, /\+ ConfigMap istio-system\/istio/);
    assert.match(text, /~ Deployment istio-system\/istiod\n\s+spec\.template\.spec\.containers\[0\]\.image/);
  });

  it('reports changed labels and resized lists', () => {
    const want: UnstructuredObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n', labels: { a: '1' } }, spec: { ports: [{ port: 1 }, { port: 2 }] } };
    const have: UnstructuredObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n', labels: { a: '0' } }, spec: { ports: [{ port: 1 }] } };
    assert.deepEqual(diffManifest([want], new Map([[objectKey(have), have]])).changed, [{ object: 'Service n/s', fields: ['metadata.labels.a', 'spec.ports'] }]);
  });

  it('parses a multi-document manifest and skips empty documents', async () => {
    const objects = await parseManifest('---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: istiod\n  namespace: istio-system\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n');
    assert.deepEqual(objects.map(objectKey), ['ServiceAccount istio-system/istiod', 'ConfigMap istio']);
  });
});
