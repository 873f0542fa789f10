// maxEjectionPercent: passive detection never has more than that share of a service's backends
// ejected at once, so a problem on the client side (every backend looks bad) cannot empty the pool.
//
// The rule (Envoy's, made strict): with `total` backends in the service's configuration (any
// admin state, backups included) and `ejected` of them ejected by passive detection now, one more
// may be ejected while ejected < max(1, floor(total × percent / 100)). So 4 backends at 50 % allow
// 2, 3 at 50 % allow 1, and at least one can always be ejected, as in Envoy — a service with one
// backend keeps today's behaviour. Envoy itself checks `ejected / total < percent`, which lets
// 2 of 3 go at 50 %; "never more than the share" is the promise here. Backends down because of
// active checks are not counted and active checks are never capped: they test the backend itself.

/** How many backends out of `total` passive detection may have ejected at once. */
export function maxEjections(total: number, percent: number): number {
  return Math.max(1, Math.floor((total * percent) / 100));
}

/** True when one more passive ejection is allowed. */
export function mayEject(ejected: number, total: number, percent: number): boolean {
  return ejected < maxEjections(total, percent);
}
