// The states of a proxied connection, named. A connection has one phase, and each of its two
// sides (client, upstream) has its own state; connection.ts makes every transition, relay.ts
// only reads them on the hot path (a number compare, as cheap as the booleans they replace).
//
//   phase:     Waiting ──connect()──▶ Connecting ──connected──▶ Relaying ──both closed──▶ Done
//                 ▲                        │ attempt failed          │ drain deadline  ▲
//                 └────────────────────────┘ (retry or reject)       ▼ (graceful)      │
//                                                                  Ending ─both closed─┘
//   each side: None ─▶ Connecting ─▶ Open ─┬─ FIN received ─▶ ReadEnded ──┬─▶ Closing ─▶ Closed
//              (upstream only)             └─ our FIN sent ─▶ WriteEnded ─┘   (or at once on
//                                                                              error/destroy)

/** Where a connection is in its life. */
export const Phase = {
  /** Accepted; not connecting: picking a backend, queued, or between two attempts. */
  Waiting: 0,
  /** One connect attempt in flight (the upstream side is Connecting). */
  Connecting: 1,
  /** Connected: bytes flow; each side ends on its own (half-close). */
  Relaying: 2,
  /**
   * A drain deadline passed and the connection is closing without a reset
   * (Connection.endGracefully): the client's bytes are dropped, the backend has FIN, its
   * replies and then its FIN still reach the client; each peer has a bounded grace to close.
   */
  Ending: 3,
  /** Both handles closed; finalized (counted, reported) exactly once. */
  Done: 4,
} as const;
export type PhaseState = (typeof Phase)[keyof typeof Phase];

/** One side of a connection. Ordered: every state from Closing on means "torn down". */
export const Side = {
  /** No handle (the upstream before the first attempt and between attempts). */
  None: 0,
  /** The upstream's connect is in flight. */
  Connecting: 1,
  /** Reading and writing. */
  Open: 2,
  /** The peer sent FIN; we still write to it. */
  ReadEnded: 3,
  /** Our FIN went out; we still read from it. */
  WriteEnded: 4,
  /** close() called; its callback has not run yet. */
  Closing: 5,
  /** The close callback ran. */
  Closed: 6,
} as const;
export type SideState = (typeof Side)[keyof typeof Side];

/** The side may still deliver data (its reading may be resumed after backpressure). */
export function canRead(s: SideState): boolean {
  return s === Side.Open || s === Side.WriteEnded;
}
