// Source IP hash: hash(client IP) mod eligible count. Sticky and stateless, but a membership
// change remaps most clients; consistent-hash is the variant that moves only ~1/N.
import { canTake, isEligible } from '../strategy.ts';
import type { BackendView, PickContext, Strategy, StrategyFactory } from '../strategy.ts';
import { hashClientAddress } from './hash.ts';

/** Maps each client IP to a fixed eligible backend; walks forward when that one cannot take it. */
export class SourceIpHashStrategy<B extends BackendView = BackendView> implements Strategy<B> {
  readonly name = 'source-ip-hash';
  #backends: readonly B[] = [];

  update(backends: readonly B[]): void {
    // Sorted by id so the mapping depends on the set of backends, not on config order.
    this.#backends = backends.filter(isEligible).sort(byId);
  }

  pick(ctx: PickContext): B | undefined {
    const list = this.#backends;
    const n = list.length;
    if (n === 0) return undefined;
    let i = hashClientAddress(ctx.clientAddress) % n;
    for (let k = 0; k < n; k++) {
      const b = list[i]!;
      if (isEligible(b) && canTake(b, ctx)) return b;
      i = i + 1 === n ? 0 : i + 1;
    }
    return undefined;
  }
}

// Ordered by the id's text (10 before 9), as when the engine's ids were strings: the same
// backends keep the same order, so an upgrade does not remap sticky clients.
function byId(a: BackendView, b: BackendView): number {
  const x = String(a.id);
  const y = String(b.id);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Creates a source-IP-hash strategy. */
export const createSourceIpHash: StrategyFactory = () => new SourceIpHashStrategy();
