import assert from 'node:assert/strict';
import { checkKubernetesSupport, checkUpgrade, parseIstioctlVersionJson, parseMinorVersion } from '../../../src/install/versions';

describe('version checks', () => {
  it('parses release, dev and distribution versions', () => {
    assert.deepEqual(parseMinorVersion('1.29.0'), { major: 1, minor: 29 });
    assert.deepEqual(parseMinorVersion('v1.34.2+k3s1'), { major: 1, minor: 34 });
    assert.deepEqual(parseMinorVersion('1.31-dev'), { major: 1, minor: 31 });
    assert.equal(parseMinorVersion('unknown'), undefined);
  });

  it('reads the client version from `istioctl version -o json`', () => {
    const out = JSON.stringify({ clientVersion: { version: '1.29.0', revision: 'abc', golang_version: 'go1.25', status: 'Clean', tag: '1.29.0' } }, null, 2);
    assert.equal(parseIstioctlVersionJson(out), '1.29.0');
    assert.equal(parseIstioctlVersionJson('client version: 1.29.0'), undefined);
    assert.equal(parseIstioctlVersionJson('{"clientVersion":{}}'), undefined);
  });

  it('refuses a cluster older than the release supports and warns on a newer one', () => {
    assert.equal(checkKubernetesSupport('1.29.0', 'v1.33.1').level, 'ok');
    const old = checkKubernetesSupport('1.29.0', 'v1.28.3');
    assert.equal(old.level, 'error');
    assert.match(old.message, /too new for this cluster.*1\.31–1\.35.*v1\.28\.3/);
    const newer = checkKubernetesSupport('1.26.2', 'v1.36.0');
    assert.equal(newer.level, 'warning');
    assert.match(newer.message, /may be too old/);
    assert.equal(checkKubernetesSupport('1.31-dev', 'v1.36.0').level, 'ok');
    assert.equal(checkKubernetesSupport('1.31-dev', 'v1.30.0').level, 'error');
    assert.equal(checkKubernetesSupport('1.12.0', 'v1.30.0').level, 'warning');
  });

  it('checks upgrades against the installed control plane', () => {
    assert.equal(checkUpgrade('1.29.0', '1.28.1').level, 'ok');
    assert.equal(checkUpgrade('1.29.0', '1.29.0').level, 'ok');
    assert.equal(checkUpgrade('1.27.0', '1.29.0').level, 'warning');
    assert.equal(checkUpgrade('1.29.0', '1.26.0').level, 'error');
  });
});
