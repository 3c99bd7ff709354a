import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS } from '../../../src/install/options';
import { askInstallOptions } from '../../../src/install/questions';
import { ScriptedPrompter } from '../../builders/prompter';

describe('install questions', () => {
  it('walks profile, revision, gateway, mTLS, addons and --set values', async () => {
    const prompter = new ScriptedPrompter([
      ScriptedPrompter.label('demo'), 'canary', ScriptedPrompter.label('NodePort'), ScriptedPrompter.label('Strict mesh-wide'),
      ['tracing', 'kiali'], 'meshConfig.accessLogFile=/dev/stdout  a.b=c',
    ]);
    const options = await askInstallOptions(prompter, DEFAULT_OPTIONS);
    assert.deepEqual(options, {
      profile: 'demo', revision: 'canary', gatewayServiceType: 'NodePort', strictMtls: true,
      addons: ['kiali', 'tracing'], setValues: ['meshConfig.accessLogFile=/dev/stdout', 'a.b=c'], readinessTimeoutSeconds: 300,
    });
    assert.deepEqual(prompter.asked.map((q) => q.title), [
      'Install Istio (1/6): profile', 'Install Istio (2/6): revision', 'Install Istio (3/6): ingress gateway service',
      'Install Istio (4/6): mutual TLS', 'Install Istio (5/6): addons', 'Install Istio (6/6): extra values',
    ]);
    const profiles = prompter.asked[0].items!;
    assert.equal(profiles.length, 7);
    assert.ok(profiles.every((p) => typeof p.description === 'string' && p.description.length > 0));
  });

  it('offers the last-used answers as defaults and skips the gateway question without a gateway', async () => {
    const last = { ...DEFAULT_OPTIONS, profile: 'minimal' as const, strictMtls: true, addons: ['grafana' as const], setValues: ['x=1'] };
    const prompter = new ScriptedPrompter([ScriptedPrompter.label('minimal'), '', ScriptedPrompter.label('Strict mesh-wide'), ScriptedPrompter.defaults(), 'x=1']);
    const options = await askInstallOptions(prompter, last);
    assert.deepEqual(options, last);
    assert.equal(prompter.asked[0].items!.find((i) => i.picked)?.value, 'minimal');
    assert.equal(prompter.asked[4].value, 'x=1');
    assert.ok(!prompter.asked.some((q) => q.title.includes('gateway')));
  });

  it('stops at the first dismissed question', async () => {
    const prompter = new ScriptedPrompter([ScriptedPrompter.label('default'), undefined]);
    assert.equal(await askInstallOptions(prompter, DEFAULT_OPTIONS), undefined);
    assert.equal(prompter.asked.length, 2);
  });

  it('validates revision and --set input like istioctl would', async () => {
    await assert.rejects(askInstallOptions(new ScriptedPrompter([ScriptedPrompter.label('default'), 'Bad.Rev']), DEFAULT_OPTIONS), /not a valid revision/);
    await assert.rejects(
      askInstallOptions(new ScriptedPrompter([ScriptedPrompter.label('minimal'), '', ScriptedPrompter.label('Permissive'), [], 'novalue']), DEFAULT_OPTIONS),
      /path=value/,
    );
  });
});
