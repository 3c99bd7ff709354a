import assert from 'node:assert/strict';
import { findings, findingsOf, fixed, where, yaml } from './helpers';

/** A Deployment whose pod template metadata holds `templateMeta` lines, and its own metadata `ownMeta` lines. */
function deployment(templateMeta: string[], ownMeta: string[] = [], spec: string[] = ['      containers:', '        - name: app', '          image: app:1']): string {
  return yaml(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    '  namespace: shop',
    ...ownMeta.map((l) => `  ${l}`),
    'spec:',
    '  selector:',
    '    matchLabels: {app: web}',
    '  template:',
    ...(templateMeta.length ? ['    metadata:', ...templateMeta.map((l) => `      ${l}`)] : []),
    '    spec:',
    ...spec,
  );
}

describe('inject-label-type', () => {
  it('flags a bare boolean and quotes it', () => {
    const text = deployment(['labels:', '  app: web', '  sidecar.istio.io/inject: true  # yes']);
    const [f] = findingsOf(text, 'inject-label-type');
    assert.equal(f.severity, 'error');
    assert.deepEqual(where(f), [12, 33, 12, 37]);
    assert.equal(fixed(text, 'inject-label-type'), deployment(['labels:', '  app: web', '  sidecar.istio.io/inject: "true"  # yes']));
  });
  it('reads YAML 1.1 booleans as Kubernetes does: bare yes/off are not strings', () => {
    assert.equal(fixed(deployment(['labels:', '  sidecar.istio.io/inject: yes']), 'inject-label-type'), deployment(['labels:', '  sidecar.istio.io/inject: "true"']));
    assert.equal(fixed(deployment(['labels:', '  sidecar.istio.io/inject: Off']), 'inject-label-type'), deployment(['labels:', '  sidecar.istio.io/inject: "false"']));
  });
  it('offers no quoting that would leave a label value other than "true"/"false" (inject-label-value)', () => {
    const [label] = findingsOf(deployment(['labels:', '  sidecar.istio.io/inject: 1']), 'inject-label-type');
    assert.equal(label.fixes, undefined);
    assert.equal(fixed(deployment(['annotations:', '  sidecar.istio.io/inject: 1']), 'inject-label-type'), deployment(['annotations:', '  sidecar.istio.io/inject: "1"']));
  });
  it('accepts quoted strings', () => {
    assert.deepEqual(findings(deployment(['labels:', "  sidecar.istio.io/inject: 'false'"])), []);
  });
});

describe('inject-label-value', () => {
  it('warns on a string other than "true"/"false" and sets "true"', () => {
    const text = deployment(['labels:', '  sidecar.istio.io/inject: "enabled"']);
    const [f] = findingsOf(text, 'inject-label-value');
    assert.equal(f.severity, 'warning');
    assert.equal(fixed(text, 'inject-label-value'), deployment(['labels:', '  sidecar.istio.io/inject: "true"']));
    assert.equal(fixed(text, 'inject-label-value', 'Set sidecar.istio.io/inject: "false"'), deployment(['labels:', '  sidecar.istio.io/inject: "false"']));
  });
  it('prefers "false" for an off word', () => {
    assert.equal(fixed(deployment(['labels:', '  sidecar.istio.io/inject: "disabled"']), 'inject-label-value'), deployment(['labels:', '  sidecar.istio.io/inject: "false"']));
  });
  it('leaves bare values to inject-label-type', () => {
    assert.deepEqual(findingsOf(deployment(['labels:', '  sidecar.istio.io/inject: on']), 'inject-label-value'), []);
  });
});

describe('inject-annotation-deprecated', () => {
  it('is info and moves the annotation to a new labels: block', () => {
    const text = deployment(['annotations:', '  sidecar.istio.io/inject: "true"']);
    const [f] = findingsOf(text, 'inject-annotation-deprecated');
    assert.equal(f.severity, 'info');
    assert.equal(fixed(text, 'inject-annotation-deprecated'), deployment(['labels:', '  sidecar.istio.io/inject: "true"']));
  });
  it('keeps other annotations and adds to existing labels', () => {
    const text = deployment(['labels:', '  app: web', 'annotations:', '  prometheus.io/scrape: "true"', '  sidecar.istio.io/inject: "false"']);
    assert.equal(fixed(text, 'inject-annotation-deprecated'), deployment(['labels:', '  app: web', '  sidecar.istio.io/inject: "false"', 'annotations:', '  prometheus.io/scrape: "true"']));
  });
  it('is silent when the label is set too, as IST0135 is (annotations.go:101-105)', () => {
    const text = deployment(['labels:', '  sidecar.istio.io/inject: "false"', 'annotations:', '  team: a', '  sidecar.istio.io/inject: "true"']);
    assert.deepEqual(findingsOf(text, 'inject-annotation-deprecated'), []);
  });
  it('names IST0135 in its message and finding', () => {
    const [f] = findingsOf(deployment(['annotations:', '  sidecar.istio.io/inject: "true"']), 'inject-annotation-deprecated');
    assert.equal(f.istio, 'IST0135');
    assert.match(f.message, / \(IST0135\)$/);
  });
});

describe('inject-misplaced', () => {
  it("warns on the workload's own label and moves it into the template, creating metadata/labels", () => {
    const text = deployment([], ['labels:', '  app: web', '  sidecar.istio.io/inject: "true"']);
    const [f] = findingsOf(text, 'inject-misplaced');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /spec\.template\.metadata\.labels/);
    assert.equal(
      fixed(text, 'inject-misplaced'),
      yaml(
        'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  namespace: shop', '  labels:', '    app: web',
        'spec:', '  selector:', '    matchLabels: {app: web}', '  template:', '    spec:', '      containers:', '        - name: app', '          image: app:1',
        '    metadata:', '      labels:', '        sidecar.istio.io/inject: "true"',
      ),
    );
  });
  it('moves an annotation on own metadata as a quoted label into existing template labels', () => {
    const text = deployment(['labels:', '  app: web'], ['annotations:', '  sidecar.istio.io/inject: true']);
    assert.equal(fixed(text, 'inject-misplaced'), deployment(['labels:', '  app: web', '  sidecar.istio.io/inject: "true"']));
  });
  it('handles CronJob templates', () => {
    const text = yaml(
      'apiVersion: batch/v1', 'kind: CronJob', 'metadata:', '  name: report', '  labels:', '    sidecar.istio.io/inject: "false"', '    app: report',
      'spec:', '  schedule: "@daily"', '  jobTemplate:', '    spec:', '      template:', '        metadata:', '          labels:', '            app: report', '        spec:', '          containers: []',
    );
    const [f] = findingsOf(text, 'inject-misplaced');
    assert.match(f.message, /spec\.jobTemplate\.spec\.template\.metadata\.labels/);
    assert.equal(
      fixed(text, 'inject-misplaced'),
      yaml(
        'apiVersion: batch/v1', 'kind: CronJob', 'metadata:', '  name: report', '  labels:', '    app: report',
        'spec:', '  schedule: "@daily"', '  jobTemplate:', '    spec:', '      template:', '        metadata:', '          labels:', '            app: report', '            sidecar.istio.io/inject: "false"', '        spec:', '          containers: []',
      ),
    );
  });
  it('is not about Pods, whose own metadata is the right place', () => {
    const pod = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  labels:', '    sidecar.istio.io/inject: "true"', 'spec:', '  containers: []');
    assert.deepEqual(findings(pod), []);
  });
});

describe('inject-host-network', () => {
  it('warns when a host-network pod asks for a sidecar', () => {
    const text = deployment(['labels:', '  sidecar.istio.io/inject: "true"'], [], ['      hostNetwork: true', '      containers: []']);
    const [f] = findingsOf(text, 'inject-host-network');
    assert.equal(f.severity, 'warning');
    assert.equal(f.fixes, undefined);
    assert.match(f.message, /never injected/);
  });
  it('warns when the pod asks with the annotation in a namespace of the same file that enables injection', () => {
    const namespace = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels: {istio-injection: enabled}', '---');
    const annotated = deployment(['annotations:', '  sidecar.istio.io/inject: "true"'], [], ['      hostNetwork: true', '      containers: []']);
    assert.equal(findingsOf(namespace + annotated, 'inject-host-network').length, 1);
    // Without the namespace's label no webhook reads the annotation: the pod is not injected for another reason.
    assert.equal(findingsOf(annotated, 'inject-host-network').length, 0);
  });
  it("is silent for a pod that does not ask itself, even in an injected namespace (Istio's noninjectedpodhostnetwork)", () => {
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels: {istio-injection: enabled}', '---') + deployment([], [], ['      hostNetwork: true', '      containers: []']);
    assert.equal(findingsOf(text, 'inject-host-network').length, 0);
  });
  it('is silent where no webhook would be called anyway (namespace disabled)', () => {
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels: {istio-injection: disabled}', '---') + deployment(['labels:', '  sidecar.istio.io/inject: "true"'], [], ['      hostNetwork: true', '      containers: []']);
    assert.equal(findingsOf(text, 'inject-host-network').length, 0);
  });
});

describe('namespace-not-injected', () => {
  const namespace = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop');
  const asking = deployment(['annotations:', '  sidecar.istio.io/inject: "true"']);
  it('is info when workloads of the same file ask (with the annotation no webhook reads), and adds the label with labels:', () => {
    const text = namespace + '---\n' + asking;
    const [f] = findingsOf(text, 'namespace-not-injected');
    assert.equal(f.severity, 'info');
    assert.equal(f.istio, 'IST0102');
    assert.deepEqual(where(f), [3, 2, 3, 12]);
    assert.equal(fixed(text, 'namespace-not-injected'), yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    istio-injection: enabled') + '---\n' + asking);
  });
  it('is silent for a pod template labelled sidecar.istio.io/inject "true": the chart\'s object webhook injects it there', () => {
    assert.deepEqual(findingsOf(namespace + '---\n' + deployment(['labels:', '  sidecar.istio.io/inject: "true"']), 'namespace-not-injected'), []);
  });
  it('uses workspace and cluster facts', () => {
    assert.deepEqual(findings(namespace), []);
    assert.equal(findingsOf(namespace, 'namespace-not-injected', { workspace: { namespacesAskingForSidecars: new Set(['shop']) } }).length, 1);
    assert.equal(findingsOf(namespace, 'namespace-not-injected', { cluster: { namespacesWithWorkloads: ['shop'] } }).length, 1);
  });
  it('is silent for labelled, ambient and system namespaces', () => {
    const facts = { cluster: { namespacesWithWorkloads: ['shop', 'kube-system'] } };
    assert.deepEqual(findings(yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    istio.io/rev: stable'), facts), []);
    assert.deepEqual(findings(yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    istio.io/dataplane-mode: ambient'), facts), []);
    assert.deepEqual(findings(yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: kube-system'), facts), []);
  });
});
