// Test inputs for strategy tests: plain mutable BackendView objects (the strategy's input,
// changed between picks the way the engine changes its live backends), client IPs and a
// seeded PRNG. Used only by *.test.ts files and the conformance suite.
import type { BackendView, PickContext, Strategy } from '../strategy.ts';

/** A BackendView whose fields a test can change between picks. */
export type FakeBackend = { -readonly [K in keyof BackendView]: BackendView[K] };

/** An enabled, healthy backend of weight 1, with `overrides` applied. */
export function fakeBackend(id: string, overrides: Partial<FakeBackend> = {}): FakeBackend {
  const weight = overrides.weight ?? 1;
  return {
    id,
    address: `${id}:6379`,
    weight,
    effectiveWeight: weight,
    adminState: 'enabled',
    health: 'up',
    maxConnections: 0,
    active: 0,
    connectTimeEwmaMs: 0,
    bandwidthEwma: 0,
    ...overrides,
  };
}

/** `weights.length` backends named b0, b1, … with the given weights. */
export function fakeBackends(weights: readonly number[]): FakeBackend[] {
  return weights.map((weight, i) => fakeBackend(`b${i}`, { weight }));
}

/** The i-th distinct client IPv4 address (10.x.y.z). */
export function clientIp(i: number): string {
  return `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}

/** A pick context for `clientAddress`, optionally excluding some backends. */
export function pickContext(clientAddress: string, exclude: ReadonlySet<BackendView> | null = null): PickContext {
  return { clientAddress, exclude };
}

/** Deterministic PRNG in [0, 1) (mulberry32), so distribution tests never flake. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks `count` times with distinct client IPs; returns picks per backend id ('none' for undefined). */
export function countPicks(strategy: Strategy, count: number, hold = false): Map<BackendView['id'], number> {
  const counts = new Map<BackendView['id'], number>();
  for (let i = 0; i < count; i++) {
    const b = strategy.pick(pickContext(clientIp(i))) as FakeBackend | undefined;
    const key = b === undefined ? 'none' : b.id;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    // Holding the connection open is what makes load-aware strategies spread by weight.
    if (hold && b !== undefined) b.active++;
  }
  return counts;
}
