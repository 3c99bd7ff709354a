import assert from 'node:assert/strict';
import { AnalyzeOutputError, analyzeFailure, objectKey, parseAnalyzeOutput, parseOrigin, partialReadWarning } from '../../../src/analyzers/clusterAnalysis';
import { ClusterAnalysisResults } from '../../../src/analyzers/clusterResults';
import { analyzeMessage, analyzeStdout } from '../../builders/istioctl';

describe('istioctl analyze output', () => {
  it('reads code, level, text and the object of each message', () => {
    const stdout = analyzeStdout(
      analyzeMessage('IST0101', { level: 'Error', origin: 'VirtualService bookinfo/reviews', message: 'Referenced gateway not found: "nope"' }),
      analyzeMessage('IST0102', { level: 'Info', origin: 'Namespace default' }),
      analyzeMessage('IST0103', { origin: '[cluster-east] Pod shop/web-6d4cf56db6-abcde' }),
    );
    assert.deepEqual(parseAnalyzeOutput(stdout).map((m) => [m.code, m.severity, m.object && objectKey(m.object)]), [
      ['IST0101', 'error', 'VirtualService|bookinfo|reviews'],
      ['IST0102', 'info', 'Namespace||default'],
      ['IST0103', 'warning', 'Pod|shop|web-6d4cf56db6-abcde'],
    ]);
    assert.equal(parseAnalyzeOutput(stdout)[0].message, 'Referenced gateway not found: "nope"');
  });

  it('takes `null` (no message) as none, skips lines istioctl prints before the JSON, keeps a message without origin', () => {
    assert.deepEqual(parseAnalyzeOutput('null\n'), []);
    const messages = parseAnalyzeOutput(`Skipping file x.txt, recognized file extensions are: [.json .yaml .yml]\n${analyzeStdout(analyzeMessage('IST0136'))}`);
    assert.equal(messages.length, 1);
    assert.equal(messages[0].object, undefined);
  });

  it('fails with the reason on anything that is not a JSON list', () => {
    assert.throws(() => parseAnalyzeOutput('Error: failed to get kube client\n'), (e: Error) => e instanceof AnalyzeOutputError && /printed no JSON: Error: failed to get kube client/.test(e.message));
    assert.throws(() => parseAnalyzeOutput('[{"code": "IST0101"'), AnalyzeOutputError);
    assert.throws(() => parseAnalyzeOutput(''), /printed no JSON: nothing/);
  });

  it('names objects as Istio\'s origin does, and nothing else', () => {
    assert.deepEqual(parseOrigin('Deployment default/details'), { kind: 'Deployment', namespace: 'default', name: 'details' });
    assert.deepEqual(parseOrigin('MutatingWebhookConfiguration istio-sidecar-injector'), { kind: 'MutatingWebhookConfiguration', namespace: '', name: 'istio-sidecar-injector' });
    assert.equal(parseOrigin('Deployment a/b/c'), undefined);
    assert.equal(parseOrigin(''), undefined);
  });

});

describe('why istioctl analyze gave no answer', () => {
  const run = (exitCode: number, stderr: string, stdout = '') => analyzeFailure({ exitCode, stdout, stderr }, 'prod');

  it('tells RBAC, credentials, an unreachable server and a missing namespace apart, naming the context', () => {
    assert.equal(run(1, 'Error: failed to list: pods is forbidden: User "dev" cannot list resource "pods"')?.kind, 'forbidden');
    assert.equal(run(1, 'E1206 10:00:00.000000 1 memcache.go:265] couldn\'t get current server API group list: Unauthorized')?.kind, 'unauthorized');
    const down = run(1, 'Error: Get "https://10.0.0.1:6443/api": dial tcp 10.0.0.1:6443: connect: connection refused');
    assert.equal(down?.kind, 'unreachable');
    assert.match(down!.message, /context "prod": Error: Get .*connection refused$/);
    assert.deepEqual(run(0, 'namespace "shopp" not found\n'), { kind: 'namespaceNotFound', message: 'Namespace "shopp" does not exist in context "prod".' });
    assert.equal(run(2, '')?.message, 'istioctl analyze failed in context "prod" (exit code 2): no error output');
  });

  it('is no failure when istioctl exits 0, whatever it found, but a refused read there is a warning', () => {
    assert.equal(run(0, '', analyzeStdout(analyzeMessage('IST0101', { level: 'Error' }))), undefined);
    assert.equal(partialReadWarning('', 'prod'), undefined);
    assert.equal(
      partialReadWarning('W1206 10:00:00.000000 77 reflector.go:561] failed to list *v1.Secret: secrets is forbidden: User "dev" cannot list\n', 'prod'),
      'istioctl analyze could not read everything in context "prod" (RBAC), so some messages may be missing: failed to list *v1.Secret: secrets is forbidden: User "dev" cannot list',
    );
  });
});

describe('the last cluster analysis, by namespace and workload', () => {
  const results = new ClusterAnalysisResults();
  results.set({
    context: 'prod', namespace: undefined, defaultNamespace: 'default',
    messages: parseAnalyzeOutput(analyzeStdout(
      analyzeMessage('IST0102', { origin: 'Namespace shop' }),
      analyzeMessage('IST0103', { origin: 'Pod shop/web-1' }),
      analyzeMessage('IST0107', { origin: 'Deployment shop/web' }),
      analyzeMessage('IST0101', { origin: 'VirtualService shop/web' }),
      analyzeMessage('IST0107', { origin: 'Deployment other/web' }),
    )),
  });

  it('counts the namespace itself and everything in it, and a workload with its pods', () => {
    assert.deepEqual(results.forNamespace('prod', 'shop').map((m) => m.code), ['IST0102', 'IST0103', 'IST0107', 'IST0101']);
    assert.deepEqual(results.forWorkload('prod', { kind: 'Deployment', namespace: 'shop', name: 'web', podNames: ['web-1'] }).map((m) => m.code), ['IST0103', 'IST0107']);
  });

  it('shows nothing for another context, nor after a clear', () => {
    assert.deepEqual(results.forNamespace('staging', 'shop'), []);
    let fired = 0;
    results.onDidChange(() => fired++);
    results.set(undefined);
    assert.equal(fired, 1);
    assert.deepEqual(results.forNamespace('prod', 'shop'), []);
  });
});
