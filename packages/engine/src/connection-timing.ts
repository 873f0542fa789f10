// The durations of a connection's life and the kinds of its one timer (connection.ts arms it:
// connect timeout, then idle timeout, then linger or the ending grace).

/** Weight of a new connect-time sample in the backend's EWMA. */
export const CONNECT_EWMA_ALPHA = 0.3;

/** A side whose peer finished cleanly gets this long to flush before it is destroyed. */
export const LINGER_MS = 30_000;

/**
 * Graceful close at a drain deadline (endGracefully): how long each peer gets to answer our FIN
 * with its own before its socket is closed hard. The backend's grace comes first, then the
 * client's, so a connection is gone at most 2 × this after the deadline.
 */
export const ENDING_GRACE_MS = 1000;

/** What the one timer of a connection is counting down (a number: no allocation per arm). */
export const Timer = {
  /** The connect attempt's connectTimeoutMs. */
  Connect: 1,
  /** idleTimeoutMs without a relayed chunk either way. */
  Idle: 2,
  /** One side finished cleanly: LINGER_MS (or the ending grace) for the other to follow. */
  Linger: 3,
  /** Ending: the grace for the peer to answer our FIN. */
  Ending: 4,
} as const;
/** One of Timer's values. */
export type TimerKind = (typeof Timer)[keyof typeof Timer];
