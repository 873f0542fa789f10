// The data plane runs on Node's libuv TCP bindings (tcp-handle.ts). A runtime without them
// must fail when the engine loads, with a stable code — never later, mid-connection.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const engine = resolve(import.meta.dirname, '../src/load-balancer.ts');

/** Loads the engine in a fresh Node whose process.binding was changed by `patch` first. */
function loadWith(patch: string, nodeFlags: string[] = []): string {
  const script = `${patch}
    try { await import(${JSON.stringify(engine)}); console.log('loaded'); }
    catch (e) { console.log(e.code, e.message); }`;
  const r = spawnSync(process.execPath, [...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  return r.stdout.trim();
}

/** A patch that replaces one member of one binding module. */
const patchBinding = (name: string, change: string): string => `const real = process.binding.bind(process);
  process.binding = (n) => {
    const b = real(n);
    if (n !== ${JSON.stringify(name)}) return b;
    const copy = { ...b };
    ${change}
    return copy;
  };`;

/** Node's permission-model flag: --experimental-permission before Node 22.13/23.5, --permission after. */
const PERMISSION_FLAG = Number(process.versions.node.split('.')[0]) >= 23 || /^22\.(1[3-9]|[2-9]\d)/.test(process.versions.node) ? '--permission' : '--experimental-permission';

describe('tcp-handle bindings check', () => {
  it('loads on this Node', () => {
    expect(loadWith('')).toBe('loaded');
  });

  it('a Node without the bindings fails at load with FULCRUM_UNSUPPORTED_RUNTIME', () => {
    const out = loadWith(`process.binding = () => { throw new Error('No such module: tcp_wrap'); };`);
    expect(out).toMatch(/^FULCRUM_UNSUPPORTED_RUNTIME Node v[\d.]+ does not offer the libuv TCP bindings .*No such module: tcp_wrap/);
  });

  it('a binding missing one method is refused too, naming the method', () => {
    const out = loadWith(`const real = process.binding.bind(process);
      process.binding = (name) => {
        const b = real(name);
        if (name !== 'tcp_wrap') return b;
        class TCP extends b.TCP {}
        TCP.prototype.useUserBuffer = undefined;
        return { ...b, TCP };
      };`);
    expect(out).toMatch(/^FULCRUM_UNSUPPORTED_RUNTIME .*missing useUserBuffer/);
  });

  it('a state index that points outside the shared state array is refused, naming it', () => {
    const out = loadWith(patchBinding('stream_wrap', 'copy.kLastWriteWasAsync = copy.streamBaseState.length + 5;'));
    expect(out).toMatch(/^FULCRUM_UNSUPPORTED_RUNTIME .*stream state index kLastWriteWasAsync/);
  });

  it('a libuv error code that is not a negative integer is refused, naming it', () => {
    const out = loadWith(patchBinding('uv', 'copy.UV_EOF = 4095;'));
    expect(out).toMatch(/^FULCRUM_UNSUPPORTED_RUNTIME .*libuv code UV_EOF/);
  });

  it('a request constructor that does not construct is refused', () => {
    const out = loadWith(patchBinding('stream_wrap', 'copy.WriteWrap = function () { throw new TypeError("gone"); };'));
    expect(out).toMatch(/^FULCRUM_UNSUPPORTED_RUNTIME .*constructing a handle failed: gone/);
  });

  it("Node's permission model is named as the reason, not reported as a missing binding", () => {
    const out = loadWith('', [PERMISSION_FLAG, '--allow-fs-read=*', '--allow-child-process', '--allow-worker']);
    expect(out).toMatch(/^FULCRUM_UNSUPPORTED_RUNTIME Node's permission model \(--permission\) denies process\.binding\(\)/);
  });
});
