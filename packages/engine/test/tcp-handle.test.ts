// The data plane runs on Node's libuv TCP bindings (tcp-handle.ts). A runtime without them
// must fail when the engine loads, with a stable code — never later, mid-connection.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const engine = resolve(import.meta.dirname, '../src/load-balancer.ts');

/** Loads the engine in a fresh Node whose process.binding was changed by `patch` first. */
function loadWith(patch: string): string {
  const script = `${patch}
    try { await import(${JSON.stringify(engine)}); console.log('loaded'); }
    catch (e) { console.log(e.code, e.message); }`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  return r.stdout.trim();
}

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
});
