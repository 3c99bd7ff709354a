import { assertNoIstioScope, assertScope } from './tokenizer';

const isScoped = (line: string, text: string, scope: string) => assertScope('text.log', line, text, scope);

describe('Output channel grammar (syntaxes/istio-log.injection.tmLanguage.json)', () => {
  it('marks istioctl success and failure lines', async () => {
    await isScoped('✔ Istio core installed ⛵️', '✔ Istio core installed ⛵️', 'markup.inserted.istio.success');
    const failure = '✘ Ingress gateways encountered an error: failed to wait for resource';
    await isScoped(failure, failure, 'markup.deleted.istio.failure');
  });

  it('marks progress and command lines', async () => {
    await isScoped('- Processing resources for Istiod.', '- Processing resources for Istiod.', 'markup.changed.istio.progress');
    await isScoped('Running command: istioctl install -y', 'Running command: istioctl install -y', 'comment.line.istio.command');
  });

  it('marks errors, warnings and analyzer codes such as IST0101', async () => {
    const line = 'Error: [IST0101] (VirtualService default/reviews) Referenced host not found: "reviews"';
    await isScoped(line, 'Error:', 'invalid.illegal.istio.error');
    await isScoped(line, 'IST0101', 'constant.other.istio.analyzer-code');
    await isScoped('Warning: IST0102 namespace not injected', 'Warning:', 'markup.changed.istio.warning');
    await assertNoIstioScope('text.log', 'build IST01010 done', 'IST01010');
  });

  it('marks ready counts on top of the log grammar', async () => {
    const line = '2026-11-27 05:30:00.123 [info] reviews-v1 2/2 ready';
    await isScoped(line, '2/2', 'constant.numeric.istio.ready');
    await isScoped(line, '[info]', 'log.info');
  });
});
