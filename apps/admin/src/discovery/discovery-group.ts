// One discovery group's runtime state on this node: its settings, the members it has now (each
// with an engine id of its own), and its last resolution. Pure bookkeeping: the registry
// (discovery.ts) runs the timer, the resolver and the engine update.
import { formatAddress } from '@fulcrum/shared/address';
import type { DiscoveredMemberDto, DiscoveryStatusDto, DiscoveryType } from '@fulcrum/shared/api';
import type { Resolver } from 'node:dns/promises';
import type { ResolvedMember } from './dns-resolution.ts';

/** What a group resolves, as stored. */
export interface GroupSettings {
  id: number;
  serviceId: number;
  type: DiscoveryType;
  name: string;
  port: number;
  minTtlMs: number;
  maxTtlMs: number;
  /** The group's weight: every member's weight for type dns. */
  weight: number;
  /** The group's label (`dns:name:port`, `srv:name`), for messages. */
  label: string;
}

/** A member now in the pool. */
export type Member = DiscoveredMemberDto & { host: string; port: number };

/** What one resolution changed. */
export interface MemberChange {
  added: Member[];
  removed: Member[];
  /** Members whose SRV weight or priority changed. */
  updated: Member[];
}

/** Seconds of TTL → the delay before the next resolution, inside the group's bounds. */
export function nextDelayMs(settings: Pick<GroupSettings, 'minTtlMs' | 'maxTtlMs'>, ttlSeconds: number | undefined, failed: boolean): number {
  // After a failure (or without a TTL) retry after 5 s, HAProxy's `hold` idea kept inside the bounds.
  const wanted = failed || ttlSeconds === undefined ? 5000 : ttlSeconds * 1000;
  return Math.min(settings.maxTtlMs, Math.max(settings.minTtlMs, wanted));
}

/** The runtime state of one group. */
export class DiscoveryGroup {
  settings: GroupSettings;
  #members = new Map<string, Member>();
  lastResolvedAt: Date | null = null;
  lastError = '';
  nextResolveAt: Date | null = null;
  timer: NodeJS.Timeout | undefined;
  /** This group's DNS client (created by the registry on first use). */
  resolver: Resolver | undefined;
  /** Resolves once the first resolution has been applied (or failed). */
  readonly firstDone: Promise<void>;
  #markFirstDone!: () => void;

  constructor(settings: GroupSettings) {
    this.settings = settings;
    this.firstDone = new Promise((resolve) => (this.#markFirstDone = resolve));
  }

  get members(): Member[] {
    return [...this.#members.values()];
  }

  /** The member set `resolved` stands for (ids kept for members already present, new ones from `nextId`). */
  diff(resolved: readonly ResolvedMember[], nextId: () => number): { next: Map<string, Member>; change: MemberChange } {
    // SRV: records of the best (lowest) priority serve; the others are backups (RFC 2782).
    const best = Math.min(...resolved.map((m) => m.priority));
    const next = new Map<string, Member>();
    const change: MemberChange = { added: [], removed: [], updated: [] };
    for (const r of resolved) {
      const address = formatAddress(r.host, r.port);
      const weight = r.weight ?? 0;
      const backup = r.priority !== best;
      const current = this.#members.get(address);
      const member: Member = current ? { ...current, weight, backup } : { id: nextId(), address, host: r.host, port: r.port, weight, backup };
      if (!current) change.added.push(member);
      else if (current.weight !== weight || current.backup !== backup) change.updated.push(member);
      next.set(address, member);
    }
    for (const [address, m] of this.#members) if (!next.has(address)) change.removed.push(m);
    return { next, change };
  }

  /** Makes `next` the member set; returns the one it replaced (to put back if the engine refuses). */
  swap(next: Map<string, Member>): Map<string, Member> {
    const before = this.#members;
    this.#members = next;
    return before;
  }

  firstResolutionDone(): void {
    this.#markFirstDone();
  }

  status(): DiscoveryStatusDto {
    return {
      groupId: this.settings.id,
      members: this.members.map(({ id, address, weight, backup }) => ({ id, address, weight: this.settings.type === 'dns' ? this.settings.weight : weight, backup })),
      lastResolvedAt: this.lastResolvedAt?.toISOString() ?? null,
      lastError: this.lastError,
      nextResolveAt: this.nextResolveAt?.toISOString() ?? null,
    };
  }
}
