// Consistent hashing of the client IP on a ring with virtual nodes, plus bounded load
// (Mirrokni, Thorup, Zadimoghaddam 2018; HAProxy's `hash-balance-factor`).
//
// Why a ring and not Maglev: a ring moves only the keys of the backend that left (every other
// key keeps its backend exactly), while Maglev's table also shuffles a few percent of other
// keys. Maglev's O(1) lookup buys little here: the ring lookup is one binary search over a
// few thousand points, and bounded load needs an ordered walk anyway.
import { canTake, isEligible } from '../strategy.ts';
import type { StrategyOptions } from '../config.ts';
import type { BackendView, PickContext, Strategy, StrategyFactory } from '../strategy.ts';
import { hashClientAddress, hashString, mix32 } from './hash.ts';
import { DEFAULT_BOUNDED_LOAD_FACTOR } from '@fulcrum/shared/defaults';

/**
 * Points per unit of weight. 160 is libketama's count: with few backends the spread of
 * key shares stays around ±8% (1/√160) while a 10-backend ring is only 1 600 points.
 */
export const VNODES_PER_WEIGHT = 160;
// Cap on ring size for large weights (e.g. 20 backends at weight 1000): points per unit of
// weight shrink to fit. Below a total weight of 1 024 the scale never changes, so removing a
// backend moves only its keys. Above it, each backend's points are a prefix of a fixed
// sequence, so a rescale only adds or drops tail points: measured ~4% extra keys moved when
// one of 20 weight-1000 backends leaves. (Halving the scale instead would be exact most of
// the time but move ~half the keys when it steps.)
const MAX_RING_POINTS = 160 * 1024;
// Packing ring index into the sort key: hash · 2^21 + index stays below 2^53.
const INDEX_BITS = 2 ** 21;

/** Client-IP consistent hashing with bounded load; `boundedLoadFactor` 0 turns the bound off. */
export class ConsistentHashStrategy<B extends BackendView = BackendView> implements Strategy<B> {
  readonly name = 'consistent-hash';
  readonly #factor: number;
  #backends: readonly B[] = [];
  #ringHash = new Uint32Array(0);
  #ringOwner = new Uint32Array(0);
  #ringOrdinal = new Uint32Array(0);
  #points = new Uint32Array(0);
  // Generation-stamped visited marks: lets a walk skip backends already seen without allocating.
  #seen = new Uint32Array(0);
  #generation = 0;

  constructor(options: StrategyOptions) {
    this.#factor = normalizeFactor(options.boundedLoadFactor);
  }

  update(backends: readonly B[]): void {
    // Sorted by id: ties between equal point hashes resolve the same way whatever the config order.
    const list = backends.filter(isEligible).sort(byId);
    const n = list.length;
    let totalWeight = 0;
    for (const b of list) totalWeight += b.weight;
    const scale = Math.min(VNODES_PER_WEIGHT, MAX_RING_POINTS / Math.max(totalWeight, 1));
    const points = new Uint32Array(n);
    let size = 0;
    for (let i = 0; i < n; i++) {
      // Configured weight, not effectiveWeight: a slow-start ramp must not rebuild the ring.
      // pick() hides the tail of a ramping backend's points instead.
      points[i] = Math.max(1, Math.round(list[i]!.weight * scale));
      size += points[i]!;
    }
    const owner = new Uint32Array(Math.min(size, INDEX_BITS));
    const ordinal = new Uint32Array(owner.length);
    const keys = new Float64Array(owner.length);
    let at = 0;
    for (let i = 0; i < n && at < owner.length; i++) {
      const idHash = hashString(String(list[i]!.id)); // the id's text: rings stay as they were
      for (let v = 0; v < points[i]! && at < owner.length; v++, at++) {
        owner[at] = i;
        ordinal[at] = v;
        keys[at] = mix32(idHash ^ mix32(v + 1)) * INDEX_BITS + at;
      }
    }
    keys.sort();
    this.#ringHash = new Uint32Array(owner.length);
    this.#ringOwner = new Uint32Array(owner.length);
    this.#ringOrdinal = new Uint32Array(owner.length);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const index = key % INDEX_BITS;
      this.#ringHash[k] = (key - index) / INDEX_BITS;
      this.#ringOwner[k] = owner[index]!;
      this.#ringOrdinal[k] = ordinal[index]!;
    }
    this.#backends = list;
    this.#points = points;
    this.#seen = new Uint32Array(n);
    this.#generation = 0;
  }

  pick(ctx: PickContext): B | undefined {
    const list = this.#backends;
    if (list.length === 0) return undefined;
    const start = this.#firstPointAtOrAfter(hashClientAddress(ctx.clientAddress));
    if (this.#factor > 0) {
      // Load is read live: actives change on every connect and close.
      let totalActive = 0;
      let totalWeight = 0;
      for (const b of list) {
        if (!isEligible(b)) continue;
        totalActive += b.active;
        totalWeight += b.effectiveWeight;
      }
      if (totalWeight <= 0) return undefined;
      // Weighted form of ceil(c·(total+1)/n): each backend's cap is its share of c·(total+1).
      const capPerWeight = (this.#factor * (totalActive + 1)) / totalWeight;
      const bounded = this.#walk(start, ctx, capPerWeight);
      if (bounded !== undefined) return bounded;
      // With c ≥ 1 some backend is always under its cap; reaching here means those are
      // excluded or full, and serving beats rejecting.
    }
    return this.#walk(start, ctx, 0);
  }

  // First ring point clockwise from `hash` (wrapping), by binary search.
  #firstPointAtOrAfter(hash: number): number {
    const ring = this.#ringHash;
    let lo = 0;
    let hi = ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ring[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    return lo === ring.length ? 0 : lo;
  }

  // Walks clockwise to the first backend that can take ctx (and is under its cap when
  // capPerWeight > 0), visiting each backend once.
  #walk(start: number, ctx: PickContext, capPerWeight: number): B | undefined {
    const list = this.#backends;
    const ring = this.#ringOwner;
    const ordinals = this.#ringOrdinal;
    const points = this.#points;
    const seen = this.#seen;
    if (++this.#generation === 0xffffffff) {
      seen.fill(0);
      this.#generation = 1;
    }
    const generation = this.#generation;
    let unseen = list.length;
    for (let k = 0, i = start; k < ring.length; k++, i = i + 1 === ring.length ? 0 : i + 1) {
      const owner = ring[i]!;
      const b = list[owner]!;
      // Slow start: only the first points·effectiveWeight/weight points of a ramping backend are
      // live (point 0 always is), as HAProxy does by re-weighting its tree. Keys on hidden points
      // fall through to the next backend and come back as it ramps.
      if (ordinals[i]! * b.weight >= points[owner]! * b.effectiveWeight && ordinals[i]! > 0) continue;
      if (seen[owner] === generation) continue;
      seen[owner] = generation;
      if (isEligible(b) && canTake(b, ctx) && (capPerWeight <= 0 || b.active < cap(capPerWeight, b.effectiveWeight))) return b;
      if (--unseen === 0) break;
    }
    return undefined;
  }
}

function cap(capPerWeight: number, weight: number): number {
  // The epsilon keeps float noise (e.g. 2.0000000000000004) from raising the cap by one.
  return Math.ceil(capPerWeight * weight - 1e-9);
}

// 0 = unbounded; below 1 no assignment can exist (HAProxy also requires ≥ 100%), so clamp.
function normalizeFactor(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value) || value < 0) return DEFAULT_BOUNDED_LOAD_FACTOR;
  if (value === 0) return 0;
  return Math.max(1, value);
}

// Ordered by the id's text (10 before 9), as when the engine's ids were strings: the same
// backends keep the same order, so an upgrade does not remap sticky clients.
function byId(a: BackendView, b: BackendView): number {
  const x = String(a.id);
  const y = String(b.id);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Creates a consistent-hash strategy. */
export const createConsistentHash: StrategyFactory = (opts) => new ConsistentHashStrategy(opts.options);
