// A service's backend list against a new config: a backend whose address is unchanged is
// updated in place (its connections and counters stay); a new or re-addressed one is a new
// Backend; one that left the config is retired: out of the pool, draining, still in stats
// until its last connection ends.
import { Backend } from './backend.ts';
import type { BackendConfig } from './config.ts';
import type { ServiceHostOf } from './service-host.ts';
import { cancelDrain, startDrain, type DrainOwner } from './backend-drain.ts';

/** What membership changes touch of a service of type S (Service, structurally). */
export interface MembershipOwner<S> extends DrainOwner {
  /** Backends in the config, by id. */
  readonly backends: Map<number, Backend>;
  /** Backends removed from the config that still drain connections. */
  readonly retired: Set<Backend>;
  readonly host: Pick<ServiceHostOf<S>, 'onStateChange'>;
}

/** Brings `s`'s backends in line with `configs`. Never touches established connections. */
export function applyBackends<S extends MembershipOwner<S>>(s: S, configs: readonly BackendConfig[]): void {
  const seen = new Set<number>();
  for (const bc of configs) {
    seen.add(bc.id);
    const cur = s.backends.get(bc.id);
    if (cur !== undefined && cur.sameAs(bc)) updateBackend(s, cur, bc);
    else {
      if (cur !== undefined) retire(s, cur);
      s.backends.set(bc.id, new Backend(bc));
    }
  }
  for (const [id, b] of s.backends) if (!seen.has(id)) retire(s, b);
}

/** Takes a backend out of the pool; it stays in stats, draining, until its connections end. */
export function detach(s: MembershipOwner<unknown>, b: Backend): void {
  s.backends.delete(b.id);
  b.removed = true;
  b.adminState = 'draining';
  s.retired.add(b);
}

function updateBackend<S extends MembershipOwner<S>>(s: S, b: Backend, bc: BackendConfig): void {
  const wasDraining = b.adminState === 'draining';
  if (b.weight !== bc.weight) {
    b.weight = bc.weight;
    b.applyWeight();
  }
  const from = b.adminState;
  b.adminState = bc.state;
  if (from !== bc.state) s.host.onStateChange(s, b, from);
  b.backup = bc.backup;
  b.maxConnections = bc.maxConnections;
  if (bc.state === 'draining' && !wasDraining) startDrain(s, b);
  else if (bc.state !== 'draining' && wasDraining) cancelDrain(b);
}

/** Removes a backend from the pool; its connections drain. */
function retire<S extends MembershipOwner<S>>(s: S, b: Backend): void {
  detach(s, b);
  startDrain(s, b);
}
