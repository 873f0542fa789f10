// Samples engine.stats() on one timer for all clients, and only while someone listens.
import type { DataPlane } from '../data-plane/data-plane.ts';
import type { StatsDto } from '@fulcrum/shared/api';
import { toStatsDto } from './to-stats-dto.ts';
import type { DiscoveryView } from './to-stats-dto.ts';

export interface StatsSamplerOptions {
  engine: DataPlane;
  /** Marks discovered members and adds each service's discovery groups. */
  discovery?: DiscoveryView;
  /** Receives each sample (the hub broadcasts it). */
  onSample: (stats: StatsDto) => void;
  /** Skip sampling while this returns false (no clients connected). */
  wanted?: () => boolean;
  intervalMs?: number;
}

/** One periodic stats sample shared by every live client. */
export class StatsSampler {
  readonly #opts: StatsSamplerOptions;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #latest: StatsDto | undefined;

  constructor(opts: StatsSamplerOptions) {
    this.#opts = opts;
    this.#intervalMs = opts.intervalMs ?? 500;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** A current sample: the last one if it is fresh, else a new one. */
  current(): StatsDto {
    const latest = this.#latest;
    if (latest && Date.now() - latest.time < this.#intervalMs) return latest;
    return this.sample();
  }

  /** Takes a sample now (also used by GET /api/stats). */
  sample(): StatsDto {
    this.#latest = toStatsDto(this.#opts.engine.stats(), this.#opts.discovery);
    return this.#latest;
  }

  #tick(): void {
    if (this.#opts.wanted && !this.#opts.wanted()) return;
    this.#opts.onSample(this.sample());
  }
}
