// DNS discovery on this node (README "DNS discovery"). One Resolver and one timer per group; a
// resolution that changes the members updates the engine through ConfigService.refreshDiscovered,
// serialized with every other change, so the engine runs exactly "stored config + current members"
// and a refused update leaves the previous members in place. Members are runtime state: never
// stored, each node (and each restart) resolves for itself, as HAProxy's resolvers do. A failed
// resolution keeps the last known members and records an event.
import { Resolver } from 'node:dns/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { DiscoveryStatusDto, ServiceDto } from '@fulcrum/shared/api';
import type { DiscoveryEventKind } from '@fulcrum/shared/event-kinds';
import type { KnownEvent } from '../config/config-service.ts';
import { DiscoveryGroup, nextDelayMs } from './discovery-group.ts';
import type { GroupSettings, Member, MemberChange } from './discovery-group.ts';
import { ResolutionError, resolveGroup } from './dns-resolution.ts';

/** Member ids start here: above every database id, so a member never shares an engine id with a stored backend. */
export const MEMBER_ID_BASE = 2 ** 40;

/** The actor of discovery events. */
const ACTOR = 'dns';

/** How long one DNS query may take (c-ares, per try) and how many tries. */
const QUERY_TIMEOUT_MS = 1000;
const QUERY_TRIES = 2;

export interface DiscoveryOptions {
  /** --dns-server / FULCRUM_DNS_SERVERS: `host` or `host:port` entries; empty = the system's resolv.conf servers. */
  servers?: readonly string[];
  /**
   * Applies a member change: runs `swap` (which installs the new members and returns the undo)
   * and makes the engine run the result, serialized with config changes; rejects (after undoing)
   * when the engine refuses.
   */
  apply: (swap: () => () => void) => Promise<void>;
  /** Records an event in the event log. */
  record: (event: KnownEvent & { kind: DiscoveryEventKind }) => Promise<unknown>;
  log: FastifyBaseLogger;
}

/** The discovery groups of this node and their members. */
export class Discovery {
  readonly #opts: DiscoveryOptions;
  readonly #groups = new Map<number, DiscoveryGroup>();
  /** Member engine id → its group id, while the member is in the pool or still draining. */
  readonly #memberGroups = new Map<number, number>();
  #nextId = MEMBER_ID_BASE;
  #closed = false;

  constructor(opts: DiscoveryOptions) {
    this.#opts = opts;
  }

  /** The members of group `groupId` now (none before its first resolution). */
  members(groupId: number): readonly Member[] {
    return this.#groups.get(groupId)?.members ?? [];
  }

  /** The group a member id belongs to (also while a removed member drains). */
  groupOf(memberId: number): { groupId: number; label: string } | undefined {
    const groupId = this.#memberGroups.get(memberId);
    if (groupId === undefined) return undefined;
    return { groupId, label: this.#groups.get(groupId)?.settings.label ?? `group ${groupId}` };
  }

  /** A removed member finished draining: forget its id. */
  forgetMember(memberId: number): void {
    const groupId = this.#memberGroups.get(memberId);
    if (groupId === undefined) return;
    if (!this.#groups.get(groupId)?.members.some((m) => m.id === memberId)) this.#memberGroups.delete(memberId);
  }

  /** The status of every group of a service, in id order. */
  statusOf(serviceId: number): DiscoveryStatusDto[] {
    return [...this.#groups.values()].filter((g) => g.settings.serviceId === serviceId).map((g) => g.status());
  }

  /** The status of one group. */
  status(groupId: number): DiscoveryStatusDto | undefined {
    return this.#groups.get(groupId)?.status();
  }

  /** Waits (at most `timeoutMs`) until group `groupId` has been resolved once. */
  async settled(groupId: number, timeoutMs: number): Promise<void> {
    const group = this.#groups.get(groupId);
    if (!group) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([group.firstDone, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  /** Follows the committed configuration: starts resolving new groups, stops removed ones. */
  sync(services: readonly ServiceDto[]): void {
    if (this.#closed) return;
    const wanted = new Map<number, GroupSettings>();
    for (const s of services) {
      for (const b of s.backends) {
        if (!b.discover) continue;
        const { type, name, port, minTtlMs, maxTtlMs } = b.discover;
        wanted.set(b.id, { id: b.id, serviceId: s.id, type, name, port: port ?? 0, minTtlMs, maxTtlMs, weight: b.weight, label: b.address });
      }
    }
    for (const [id, group] of this.#groups) {
      if (wanted.has(id)) continue;
      clearTimeout(group.timer);
      group.resolver?.cancel();
      group.firstResolutionDone();
      this.#groups.delete(id);
    }
    for (const settings of wanted.values()) {
      const group = this.#groups.get(settings.id);
      if (!group) {
        const created = new DiscoveryGroup(settings);
        this.#groups.set(settings.id, created);
        this.#schedule(created, 0);
        continue;
      }
      const boundsChanged = group.settings.minTtlMs !== settings.minTtlMs || group.settings.maxTtlMs !== settings.maxTtlMs;
      group.settings = settings;
      if (boundsChanged) this.#schedule(group, 0);
    }
  }

  /** Stops every timer (shutdown). */
  close(): void {
    this.#closed = true;
    for (const group of this.#groups.values()) {
      clearTimeout(group.timer);
      group.resolver?.cancel();
      group.firstResolutionDone();
    }
  }

  #schedule(group: DiscoveryGroup, delayMs: number): void {
    clearTimeout(group.timer);
    group.nextResolveAt = new Date(Date.now() + delayMs);
    group.timer = setTimeout(() => void this.#resolve(group), delayMs);
    group.timer.unref();
  }

  /** One c-ares channel per group (its queries never wait behind another group's). */
  #resolver(): Resolver {
    const resolver = new Resolver({ timeout: QUERY_TIMEOUT_MS, tries: QUERY_TRIES });
    if (this.#opts.servers && this.#opts.servers.length > 0) resolver.setServers([...this.#opts.servers]);
    return resolver;
  }

  async #resolve(group: DiscoveryGroup): Promise<void> {
    const { settings } = group;
    group.timer = undefined;
    let delay: number;
    try {
      group.resolver ??= this.#resolver();
      const resolution = await resolveGroup(group.resolver, settings.type, settings.name, settings.port);
      if (this.#closed || this.#groups.get(settings.id) !== group) return;
      await this.#accept(group, resolution.members);
      delay = nextDelayMs(group.settings, resolution.ttlSeconds, false);
    } catch (err) {
      if (this.#closed || this.#groups.get(settings.id) !== group) return;
      this.#fail(group, err);
      delay = nextDelayMs(group.settings, undefined, true);
    }
    group.lastResolvedAt = new Date();
    group.firstResolutionDone();
    if (!this.#closed && this.#groups.get(settings.id) === group) this.#schedule(group, delay);
  }

  /** A successful resolution: install the new member set if it differs, then record what changed. */
  async #accept(group: DiscoveryGroup, resolved: Parameters<DiscoveryGroup['diff']>[0]): Promise<void> {
    const { next, change } = group.diff(resolved, () => this.#nextId++);
    const recovered = group.lastError !== '';
    if (change.added.length + change.removed.length + change.updated.length > 0) {
      await this.#opts.apply(() => {
        const before = group.swap(next);
        for (const m of change.added) this.#memberGroups.set(m.id, group.settings.id);
        return () => {
          group.swap(before);
          for (const m of change.added) this.#memberGroups.delete(m.id);
        };
      });
      this.#record(group, 'discovery-changed', describe(group.settings.label, change), {
        added: change.added.map((m) => m.address),
        removed: change.removed.map((m) => m.address),
        updated: change.updated.map((m) => ({ address: m.address, weight: m.weight, backup: m.backup })),
        members: group.members.map((m) => m.address),
      });
    }
    group.lastError = '';
    if (recovered) {
      this.#record(group, 'discovery-recovered', `discovery group ${group.settings.label} resolves again (${group.members.length} members)`, {
        members: group.members.map((m) => m.address),
      });
    }
  }

  /** A failed resolution (or an engine refusal): the members stay; an event when the error is new. */
  #fail(group: DiscoveryGroup, err: unknown): void {
    const message = err instanceof ResolutionError ? err.message : `the engine refused the new members: ${(err as Error).message}`;
    const code = err instanceof ResolutionError ? err.code : 'ENGINE_REJECTED';
    const repeated = group.lastError === message;
    group.lastError = message;
    if (repeated) return;
    this.#record(group, 'discovery-failed', `discovery group ${group.settings.label}: ${message}; keeping its ${group.members.length} known members`, {
      code,
      error: message,
      members: group.members.map((m) => m.address),
    });
  }

  #record(group: DiscoveryGroup, kind: DiscoveryEventKind, message: string, details: Record<string, unknown>): void {
    this.#opts
      .record({ kind, actor: ACTOR, serviceId: group.settings.serviceId, backendId: group.settings.id, message, details })
      .catch((err: unknown) => this.#opts.log.error({ err }, 'could not record a discovery event'));
  }
}

function describe(label: string, change: MemberChange): string {
  const parts = [
    ...(change.added.length > 0 ? [`added ${change.added.map((m) => m.address).join(', ')}`] : []),
    ...(change.removed.length > 0 ? [`removed ${change.removed.map((m) => m.address).join(', ')} (draining)`] : []),
    ...(change.updated.length > 0 ? [`reweighted ${change.updated.map((m) => m.address).join(', ')}`] : []),
  ];
  return `discovery group ${label}: ${parts.join('; ')}`;
}
