// What a node assertion binds, checked with given times and a given secret: each bound field,
// the ±30 s window at its edges, the method, and malformed headers.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NODE_ASSERTION_WINDOW_MS, signNodeAssertion, verifyNodeAssertion } from './node-assertion.ts';

const secret = randomBytes(32);
const req = { method: 'GET', pathWithQuery: '/api/services/3/history?range=5m', targetNode: 'b' };
const at = 1_800_000_000_000;

describe('node assertions', () => {
  it('verify to the token id they were signed for, within the window on both sides', () => {
    const header = signNodeAssertion(secret, 7, req, at);
    expect(header).toMatch(/^v1\.7\.1800000000000\.[A-Za-z0-9_-]{43}$/);
    expect(verifyNodeAssertion(secret, header, req, at)).toBe(7);
    expect(verifyNodeAssertion(secret, header, req, at + NODE_ASSERTION_WINDOW_MS)).toBe(7);
    expect(verifyNodeAssertion(secret, header, req, at - NODE_ASSERTION_WINDOW_MS)).toBe(7);
    expect(verifyNodeAssertion(secret, header, req, at + NODE_ASSERTION_WINDOW_MS + 1)).toBeUndefined();
    expect(verifyNodeAssertion(secret, header, req, at - NODE_ASSERTION_WINDOW_MS - 1)).toBeUndefined();
  });

  it('bind the secret, the token id, the path with its query, the target node and GET', () => {
    const header = signNodeAssertion(secret, 7, req, at);
    expect(verifyNodeAssertion(randomBytes(32), header, req, at)).toBeUndefined();
    expect(verifyNodeAssertion(secret, header.replace('v1.7.', 'v1.8.'), req, at)).toBeUndefined();
    expect(verifyNodeAssertion(secret, header.replace('.1800000000000.', '.1800000000001.'), req, at)).toBeUndefined();
    expect(verifyNodeAssertion(secret, header, { ...req, pathWithQuery: '/api/services/3/history?range=1h' }, at)).toBeUndefined();
    expect(verifyNodeAssertion(secret, header, { ...req, targetNode: 'a' }, at)).toBeUndefined();
    const post = { ...req, method: 'POST' };
    expect(verifyNodeAssertion(secret, signNodeAssertion(secret, 7, post, at), post, at)).toBeUndefined();
  });

  it('refuse malformed headers', () => {
    const header = signNodeAssertion(secret, 7, req, at);
    for (const bad of ['', 'v1', header.replace('v1.', 'v2.'), `${header}=`, `${header}.x`, header.replace('v1.7.', 'v1.07.'), header.replace('v1.7.', 'v1.-7.'), ` ${header}`]) {
      expect(verifyNodeAssertion(secret, bad, req, at)).toBeUndefined();
    }
  });
});
