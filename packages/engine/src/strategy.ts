// The interface every balancing strategy implements. One strategy per file under
// strategies/; all of them run the shared conformance suite (strategies/conformance.test-suite.ts).
import type { AdminState, HealthState, StrategyName, StrategyOptions } from './config.ts';

/** What a strategy may read about a backend. The engine's live Backend objects implement it. */
export interface BackendView {
  /** Stable identity; strategies only compare, hash and order it (the engine's ids are numbers). */
  readonly id: number | string;
  readonly address: string;
  /** Configured weight (0–1000). */
  readonly weight: number;
  /** Weight after slow start; strategies that use weights use this one. */
  readonly effectiveWeight: number;
  readonly adminState: AdminState;
  readonly health: HealthState;
  /** 0 = unlimited. */
  readonly maxConnections: number;
  /** Established connections right now. */
  readonly active: number;
  /** EWMA of connect time in ms (0 until measured). */
  readonly connectTimeEwmaMs: number;
  /** EWMA of bytes/s through this backend, both directions. */
  readonly bandwidthEwma: number;
}

/** Per-connection input to pick(). */
export interface PickContext {
  /** Client IP as Node reports it (`remoteAddress`), e.g. `127.0.0.1` or `::ffff:10.0.0.1`. */
  readonly clientAddress: string;
  /** Backends already tried for this connection (retries go elsewhere). */
  readonly exclude: ReadonlySet<BackendView> | null;
}

/**
 * A balancing strategy over backends of type `B`: the engine's own Backend objects go in and
 * come back out of pick() with their type, so no cast is needed.
 */
export interface Strategy<B extends BackendView = BackendView> {
  readonly name: StrategyName;
  /**
   * Replaces the backend set. Called on every membership, weight, admin-state or health
   * change, with every backend of the pool (eligible or not); the strategy filters with
   * isEligible(). Never called per connection.
   */
  update(backends: readonly B[]): void;
  /** Chooses a backend for a new connection, or undefined when none can take it. */
  pick(ctx: PickContext): B | undefined;
}

export interface StrategyFactoryOptions {
  options: StrategyOptions;
  /** Source of randomness in [0, 1); injectable so tests are deterministic. */
  random?: () => number;
}

/** Builds a fresh strategy instance for backends of any BackendView type. */
export type StrategyFactory = <B extends BackendView>(opts: StrategyFactoryOptions) => Strategy<B>;

/** A backend may receive new connections: enabled, not down (health `up`) and weight > 0. */
export function isEligible(b: BackendView): boolean {
  return b.adminState === 'enabled' && b.health === 'up' && b.weight > 0 && b.effectiveWeight > 0;
}

/** An eligible backend can take this connection now: not already tried, not at maxConnections. */
export function canTake(b: BackendView, ctx: PickContext): boolean {
  return (b.maxConnections === 0 || b.active < b.maxConnections) && (ctx.exclude === null || !ctx.exclude.has(b));
}
