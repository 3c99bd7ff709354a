import assert from 'node:assert/strict';
import {
  DEFAULT_OPTIONS,
  PROFILES,
  PROFILE_DESCRIPTIONS,
  optionsFromSaved,
  optionsToSaved,
  parseSetValues,
  profileHasIngressGateway,
  validateRevision,
  validateSetValue,
} from '../../../src/install/options';

describe('install options', () => {
  it('describes every profile in one line', () => {
    assert.deepEqual([...PROFILES], ['default', 'demo', 'minimal', 'ambient', 'empty', 'preview', 'remote']);
    for (const p of PROFILES) {
      assert.ok(PROFILE_DESCRIPTIONS[p].length > 10 && !PROFILE_DESCRIPTIONS[p].includes('\n'), p);
    }
  });

  it('round-trips saved defaults', () => {
    const o = { ...DEFAULT_OPTIONS, profile: 'demo' as const, revision: 'canary', gatewayServiceType: 'NodePort' as const,
      strictMtls: true, addons: ['kiali' as const, 'grafana' as const], setValues: ['a.b=1'], readinessTimeoutSeconds: 60 };
    assert.deepEqual(optionsFromSaved(JSON.parse(JSON.stringify(optionsToSaved(o)))), o);
  });

  it('falls back field by field when saved defaults were edited by hand into nonsense', () => {
    const o = optionsFromSaved({ profile: 'huge', revision: 'Not_Valid', gatewayServiceType: 'ClusterIP', strictMtls: 'yes',
      addons: ['kiali', 'zipkin', 3], setValues: ['ok=1', 'broken', 7], readinessTimeoutSeconds: -5 });
    assert.deepEqual(o, { ...DEFAULT_OPTIONS, addons: ['kiali'], setValues: ['ok=1'] });
    assert.deepEqual(optionsFromSaved(undefined), DEFAULT_OPTIONS);
  });

  it('validates revisions like istioctl (DNS-1123 label)', () => {
    assert.equal(validateRevision(''), undefined);
    assert.equal(validateRevision('1-29-0'), undefined);
    assert.match(validateRevision('1.29')!, /not a valid revision/);
    assert.match(validateRevision('Canary')!, /not a valid revision/);
    assert.match(validateRevision('-x')!, /not a valid revision/);
    assert.match(validateRevision('a'.repeat(64))!, /not a valid revision/);
  });

  it('validates and splits free --set values', () => {
    assert.equal(validateSetValue('values.global.proxy.resources.requests.cpu=10m'), undefined);
    assert.match(validateSetValue('=x')!, /path=value/);
    assert.match(validateSetValue('novalue')!, /path=value/);
    assert.deepEqual(parseSetValues('  a=1   b.c=x,y\n d=2 '), ['a=1', 'b.c=x,y', 'd=2']);
    assert.deepEqual(parseSetValues('   '), []);
  });

  it('knows which profiles have an ingress gateway', () => {
    assert.deepEqual(PROFILES.filter(profileHasIngressGateway), ['default', 'demo', 'preview']);
  });
});
