import assert from 'node:assert/strict';
import {
  analyzeArgs,
  clientVersionArgs,
  formatCommandLine,
  installArgs,
  manifestGenerateArgs,
  precheckArgs,
  uninstallArgs,
  type ClusterTarget,
} from '../../../src/install/args';
import { DEFAULT_OPTIONS, type InstallOptions } from '../../../src/install/options';

const target: ClusterTarget = { kubeconfig: '/home/u/.kube/config', context: 'prod-eu' };
const options = (o: Partial<InstallOptions>): InstallOptions => ({ ...DEFAULT_OPTIONS, ...o });

describe('istioctl argument builders', () => {
  it('analyzes all namespaces or one of the confirmed context, as JSON without colour', () => {
    assert.deepEqual(analyzeArgs({ kind: 'all' }, target), [
      'analyze', '--output', 'json', '--color=false', '--all-namespaces', '--kubeconfig', '/home/u/.kube/config', '--context', 'prod-eu',
    ]);
    // A namespace is one argument whatever it holds: no shell ever sees it.
    assert.deepEqual(analyzeArgs({ kind: 'namespace', namespace: 'shop; rm -rf /' }, { kubeconfig: '', context: 'kind' }), [
      'analyze', '--output', 'json', '--color=false', '--namespace', 'shop; rm -rf /', '--context', 'kind',
    ]);
  });


  it('builds the default install with -y, the profile, the timeout and an explicit context', () => {
    assert.deepEqual(installArgs(DEFAULT_OPTIONS, target), [
      'install', '-y', '--set', 'profile=default', '--readiness-timeout', '300s',
      '--kubeconfig', '/home/u/.kube/config', '--context', 'prod-eu',
    ]);
  });

  it('adds revision, NodePort gateway, tracing and free --set values in order', () => {
    const o = options({
      profile: 'demo', revision: 'canary', gatewayServiceType: 'NodePort', addons: ['kiali', 'tracing'],
      setValues: ['values.istiodRemote.injectionURL=https://localhost:15017/inject', 'meshConfig.accessLogFile=/dev/stdout'],
      readinessTimeoutSeconds: 120,
    });
    assert.deepEqual(installArgs(o, { kubeconfig: '', context: 'kind' }), [
      'install', '-y', '--set', 'profile=demo', '--revision', 'canary',
      '--set', 'values.gateways.istio-ingressgateway.type=NodePort',
      '--set', 'meshConfig.enableTracing=true',
      '--set', 'values.istiodRemote.injectionURL=https://localhost:15017/inject',
      '--set', 'meshConfig.accessLogFile=/dev/stdout',
      '--readiness-timeout', '120s', '--context', 'kind',
    ]);
  });

  it('generates the manifest with exactly the install values and no install-only flags', () => {
    const o = options({ profile: 'minimal', revision: 'r1', setValues: ['a.b=c'] });
    const install = installArgs(o, target);
    const generate = manifestGenerateArgs(o, target);
    assert.deepEqual(generate.slice(0, 2), ['manifest', 'generate']);
    assert.ok(!generate.includes('-y') && !generate.includes('--readiness-timeout'));
    const values = (argv: string[]) => argv.filter((_, i) => argv[i - 1] === '--set' || argv[i - 1] === '--revision');
    assert.deepEqual(values(generate), values(install));
  });

  it('builds precheck with JSON output and the revision', () => {
    assert.deepEqual(precheckArgs('canary', target), [
      'x', 'precheck', '--output', 'json', '--revision', 'canary', '--kubeconfig', '/home/u/.kube/config', '--context', 'prod-eu',
    ]);
    assert.deepEqual(precheckArgs('', { kubeconfig: '', context: '' }), ['x', 'precheck', '--output', 'json']);
  });

  it('builds uninstall of one revision or a purge', () => {
    assert.deepEqual(uninstallArgs({ kind: 'revision', revision: 'canary' }, target).slice(0, 4), ['uninstall', '-y', '--revision', 'canary']);
    assert.deepEqual(uninstallArgs({ kind: 'purge' }, { kubeconfig: '', context: 'c' }), ['uninstall', '-y', '--purge', '--context', 'c']);
  });

  it('asks for the client version without contacting the cluster', () => {
    assert.deepEqual(clientVersionArgs(), ['version', '--remote=false', '--output', 'json']);
  });

  it('formats a shell-quoted command line for display', () => {
    assert.equal(
      formatCommandLine('/opt/istio bin/istioctl', ['install', '--set', "a=it's", '--context', 'kind-x']),
      `'/opt/istio bin/istioctl' install --set 'a=it'\\''s' --context kind-x`,
    );
  });
});
