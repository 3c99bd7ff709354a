import assert from 'node:assert/strict';
import { errorFromNetwork, errorFromStatus } from '../../../src/cluster/errors';
import { describeFailure } from '../../../src/injection/errors';

const op = { verb: 'patch', resource: 'namespaces', name: 'shop', context: 'kind-dev' };

describe('describeFailure (what the cluster wrapper throws, worded for the injection commands)', () => {
  it('names the refused verb, the object and the context for each kind the wrapper throws', () => {
    const target = { verb: 'patch', resource: 'namespaces', name: 'shop' };
    const cases: [Error, string, RegExp][] = [
      [errorFromStatus(403, { message: 'forbidden' }, target), 'forbidden', /^Forbidden: you may not patch namespaces "shop" \(context "kind-dev"\)\. Ask for the "patch" permission on namespaces\.$/],
      [errorFromStatus(404, undefined, target), 'notFound', /^Not found: namespaces "shop" \(context "kind-dev"\); it was deleted meanwhile\.$/],
      [errorFromStatus(401, undefined, target), 'unauthorized', /^The cluster rejected your credentials \(context "kind-dev"\): log in again and retry\.$/],
      [errorFromNetwork(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'https://127.0.0.1:6443'), 'unreachable', /^The cluster cannot be reached \(context "kind-dev"\): Cannot reach the API server/],
      [errorFromStatus(409, { message: 'the object has been modified' }, target), 'conflict', /^Could not patch namespaces "shop" \(context "kind-dev"\): the object has been modified$/],
      [errorFromStatus(422, { message: 'label value too long' }, target), 'invalid', /^Could not patch namespaces "shop" \(context "kind-dev"\): label value too long$/],
    ];
    for (const [error, kind, message] of cases) {
      const failure = describeFailure(error, op);
      assert.equal(failure.kind, kind);
      assert.match(failure.message, message);
      assert.equal(failure.cause, error);
    }
  });

  it('keeps the message of anything else, without guessing a kind from a raw status code', () => {
    const raw = Object.assign(new Error('HTTP-Code: 403'), { code: 403 });
    const failure = describeFailure(raw, op);
    assert.equal(failure.kind, 'unknown');
    assert.equal(failure.message, 'Could not patch namespaces "shop" (context "kind-dev"): HTTP-Code: 403');
  });
});
