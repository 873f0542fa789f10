// The native relay's check (native-bindings.ts at load, native-probe.ts's loopback round trip):
// each case runs a fresh Node whose internals were changed first, and reads what the check
// finds. A finding never stops the engine from loading: it runs the socket relay instead
// (relay-choice.test.ts).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const choice = resolve(import.meta.dirname, '../src/relay-choice.ts');
const engine = resolve(import.meta.dirname, '../src/load-balancer.ts');

/** In a fresh Node changed by `patch` first: the engine loads, and the check's findings and the relay `auto` picks. */
function checkWith(patch: string, nodeFlags: string[] = []): { problems: string[]; relay: unknown } {
  const script = `${patch}
    await import(${JSON.stringify(engine)});
    const { chooseRelay, nativeRelayCheck } = await import(${JSON.stringify(choice)});
    const problems = await nativeRelayCheck();
    const { info } = await chooseRelay('auto');
    console.log(JSON.stringify({ problems, relay: info }));`;
  const r = spawnSync(process.execPath, [...nodeFlags, '--no-warnings', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  if (!line.startsWith('{')) throw new Error(`no result (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(line) as { problems: string[]; relay: unknown };
}

/** A patch that changes one binding module's members (`copy` is a copy of it). */
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

describe('native relay check', () => {
  it('passes on this Node, round trip included: auto picks the native relay', () => {
    expect(checkWith('')).toEqual({ problems: [], relay: { relay: 'native', reason: null, permissionDenied: false } });
  });

  it('a Node without the bindings: the engine still loads, the check says why, auto picks the socket relay', () => {
    const { problems, relay } = checkWith(`process.binding = () => { throw new Error('No such module: tcp_wrap'); };`);
    expect(problems).toEqual([expect.stringMatching(/^Node v[\d.]+ does not offer the libuv TCP bindings the native relay runs on .*No such module: tcp_wrap/)]);
    expect(relay).toEqual({ relay: 'socket', reason: problems[0], permissionDenied: false });
  });

  it('a binding missing one method is refused, naming the method', () => {
    const { problems } = checkWith(`const real = process.binding.bind(process);
      process.binding = (name) => {
        const b = real(name);
        if (name !== 'tcp_wrap') return b;
        class TCP extends b.TCP {}
        TCP.prototype.useUserBuffer = undefined;
        return { ...b, TCP };
      };`);
    expect(problems[0]).toMatch(/missing useUserBuffer/);
  });

  it('a state index outside the shared state array is refused, naming it', () => {
    expect(checkWith(patchBinding('stream_wrap', 'copy.kLastWriteWasAsync = copy.streamBaseState.length + 5;')).problems[0]).toMatch(/stream state index kLastWriteWasAsync/);
  });

  it('two state indices on one slot (a layout the relay was not written for) are refused', () => {
    expect(checkWith(patchBinding('stream_wrap', 'copy.kLastWriteErr = copy.kReadBytesOrError;')).problems[0]).toMatch(/stream state indices kReadBytesOrError and kLastWriteErr share slot/);
  });

  it('indices that are valid slots but mean something else are caught by the loopback round trip', () => {
    // The static check cannot see this: each index is a distinct slot of the array.
    const { problems, relay } = checkWith(patchBinding('stream_wrap', '[copy.kReadBytesOrError, copy.kLastWriteWasAsync] = [copy.kLastWriteWasAsync, copy.kReadBytesOrError];'));
    expect(problems).toEqual([expect.stringMatching(/^the native relay's loopback check failed: /)]);
    expect(relay).toMatchObject({ relay: 'socket' });
  });

  it('a libuv error code this Node does not list is refused, naming it', () => {
    const patch = `const util = (await import('node:util')).default;
      const real = util.getSystemErrorMap;
      util.getSystemErrorMap = () => { const m = real(); m.delete(-4095); return m; };
      (await import('node:module')).syncBuiltinESMExports();`;
    expect(checkWith(patch).problems[0]).toMatch(/libuv code UV_EOF/);
  });

  it('a latin1Slice that does not turn each byte into the character of that code is refused', () => {
    const { problems } = checkWith(`Buffer.prototype.latin1Slice = function (s, e) { return this.toString('utf8', s, e); };`);
    expect(problems[0]).toMatch(/Buffer#latin1Slice (turns byte|does not return)/);
  });

  it('a request constructor that does not construct is refused', () => {
    expect(checkWith(patchBinding('stream_wrap', 'copy.WriteWrap = function () { throw new TypeError("gone"); };')).problems[0]).toMatch(/constructing a handle failed: gone/);
  });

  it("Node's permission model is named as the reason, and auto picks the socket relay", () => {
    const { problems, relay } = checkWith('', [PERMISSION_FLAG, '--allow-fs-read=*', '--allow-fs-write=*', '--allow-child-process', '--allow-worker']);
    expect(problems).toEqual([expect.stringMatching(/^Node's permission model \(--permission\) denies process\.binding\(\), which the native relay needs/)]);
    expect(relay).toEqual({ relay: 'socket', reason: problems[0], permissionDenied: true });
  });
});
