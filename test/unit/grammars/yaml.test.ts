import { assertNoIstioScope, assertScope } from './tokenizer';

const INJECTION_KEY = 'support.type.property-name.istio.injection';
const isInjectionKey = (source: string, key: string) => assertScope('source.yaml', source, key, INJECTION_KEY);
const isPlain = (source: string, text: string) => assertNoIstioScope('source.yaml', source, text);

describe('YAML injection grammar (syntaxes/istio-yaml.injection.tmLanguage.json)', () => {
  const labels = 'metadata:\n  labels:\n';
  const annotations = 'metadata:\n  annotations:\n';

  it('marks the namespace label istio-injection, and leaves its value to YAML', async () => {
    await isInjectionKey(`${labels}    istio-injection: enabled`, 'istio-injection');
    await isPlain(`${labels}    istio-injection: enabled`, 'enabled');
  });

  it('marks the pod annotation sidecar.istio.io/inject, bare or quoted', async () => {
    await isInjectionKey(`${annotations}    sidecar.istio.io/inject: "false"`, 'sidecar.istio.io/inject');
    await isInjectionKey(`${annotations}    "sidecar.istio.io/inject": "false"`, 'sidecar.istio.io/inject');
    await isInjectionKey(`${annotations}    'sidecar.istio.io/inject': 'false'`, 'sidecar.istio.io/inject');
  });

  it('marks the other injection and revision keys', async () => {
    for (const key of ['istio.io/rev', 'istio.io/dataplane-mode', 'istio.io/tag', 'proxy.istio.io/config', 'sidecar.istio.io/proxyCPU', 'traffic.sidecar.istio.io/excludeOutboundPorts']) {
      await isInjectionKey(`${annotations}    ${key}: x`, key);
    }
  });

  it('marks a key that opens a sequence item', async () => {
    await isInjectionKey('items:\n  - istio-injection: disabled', 'istio-injection');
  });

  it('leaves look-alikes alone: other keys, values, comments and quoted strings', async () => {
    await isPlain(`${labels}    my-istio-injection: enabled`, 'my-istio-injection');
    await isPlain(`${labels}    app: istio-injection`, 'istio-injection');
    await isPlain('  # istio-injection: enabled', 'istio-injection');
    await isPlain('  note: "istio-injection: enabled"', 'istio-injection');
  });

  it('marks Istio kinds and API versions, not Kubernetes ones', async () => {
    await assertScope('source.yaml', 'kind: VirtualService', 'VirtualService', 'support.class.istio.kind');
    await assertScope('source.yaml', 'kind: AuthorizationPolicy', 'AuthorizationPolicy', 'support.class.istio.kind');
    await assertScope('source.yaml', 'apiVersion: networking.istio.io/v1', 'networking.istio.io/v1', 'support.class.istio.api-version');
    await assertScope('source.yaml', 'apiVersion: security.istio.io/v1beta1', 'security.istio.io/v1beta1', 'support.class.istio.api-version');
    await isPlain('kind: Deployment', 'Deployment');
    await isPlain('kind: VirtualServiceList', 'VirtualServiceList');
    await isPlain('apiVersion: apps/v1', 'apps/v1');
  });
});
