// Which relay moves a load balancer's bytes (README "Node releases"). `native` (connector.ts +
// relay.ts) runs on Node internals and is the fast one; `socket` (socket-relay.ts) runs on
// net.Socket alone. `auto`, the default, takes native when the check passes — the static half
// when the engine loads (native-bindings.ts), the loopback round trip (native-probe.ts) once per
// process — and socket otherwise, saying why. `native` insists: it fails where the check does.
import type { ConnectionIo } from './connection.ts';
import { handleIo } from './connector.ts';
import { EngineError } from './errors.ts';
import { nativeProblem } from './native-bindings.ts';
import { probeNativeRelay } from './native-probe.ts';
import { socketIo } from './socket-relay.ts';

import type { RelayMode, RelayName } from '@fulcrum/shared/enums';

export type { RelayMode, RelayName };

/**
 * Checks whether the native relay works here: [] when it does, else what is wrong. The default
 * is nativeRelayCheck; tests pass their own (LoadBalancerOptions.relayCheck).
 */
export type RelayCheck = () => readonly string[] | Promise<readonly string[]>;

/** The relay in use, and why it is not the native one. */
export interface RelayInfo {
  relay: RelayName;
  /** Why the native relay cannot run here; null when it runs, or when `socket` was asked for. */
  reason: string | null;
  /** The reason is Node's permission model (--permission) denying the native relay's internals. */
  permissionDenied: boolean;
}

let probed: Promise<readonly string[]> | undefined;

/** The real check: the load-time findings, else the loopback round trip (run once per process). */
export const nativeRelayCheck: RelayCheck = () => {
  if (nativeProblem !== null) return [nativeProblem.message];
  probed ??= probeNativeRelay().then((problems) => problems.map((p) => `the native relay's loopback check failed: ${p}`));
  return probed;
};

/** Decides the relay for `mode`; throws FULCRUM_UNSUPPORTED_RUNTIME when `native` was asked for and the check fails. */
export async function chooseRelay(mode: RelayMode, check: RelayCheck = nativeRelayCheck): Promise<{ info: RelayInfo; io: ConnectionIo }> {
  if (mode === 'socket') return { info: { relay: 'socket', reason: null, permissionDenied: false }, io: socketIo };
  const problems = await check();
  if (problems.length === 0) return { info: { relay: 'native', reason: null, permissionDenied: false }, io: handleIo };
  const reason = problems.join('; ');
  const permissionDenied = check === nativeRelayCheck && nativeProblem?.permission === true;
  if (mode === 'native') throw new EngineError('FULCRUM_UNSUPPORTED_RUNTIME', `the native relay was asked for but cannot run: ${reason}`);
  return { info: { relay: 'socket', reason, permissionDenied }, io: socketIo };
}
