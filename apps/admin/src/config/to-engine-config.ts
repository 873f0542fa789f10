// Maps the stored records to the engine's snapshot. Built from the records themselves (host and
// port as stored, database ids as engine ids), so nothing is formatted and parsed back. A
// discovery group is not an engine backend: it stands for its current members, each a backend
// with the group's settings (README "DNS discovery").
import type { BackendConfig, EngineConfig } from '@fulcrum/engine';
import type { StoredRecords } from '../store/store.ts';
import type { BackendRecord } from '../store/backends-repo.ts';
import type { ServiceRecord } from '../store/services-repo.ts';
import { serviceSettings } from '../store/services-repo.ts';

/** A member a discovery group resolved: its own engine id, address, and (SRV) weight and priority. */
export interface DiscoveredMember {
  id: number;
  host: string;
  port: number;
  /** SRV: the record's weight; dns members take the group's weight. */
  weight: number;
  /** SRV: a less preferred priority. */
  backup: boolean;
}

/** The current members of a group (by its backend id). */
export type MemberLookup = (groupId: number) => readonly DiscoveredMember[];

const LOOPBACK = /^(127\.|::1$|localhost$)/;

/** A member that would loop into the service's own listener (same port, and the listener's host or a loopback one). */
function loopsBack(service: ServiceRecord, listenHost: string | undefined, m: DiscoveredMember): boolean {
  const host = listenHost ?? service.host;
  return m.port === service.port && (m.host === host || LOOPBACK.test(m.host));
}

function groupMembers(service: ServiceRecord, group: BackendRecord, members: MemberLookup, taken: Set<string>, listenHost: string | undefined): BackendConfig[] {
  const out: BackendConfig[] = [];
  for (const m of members(group.id)) {
    const key = `${m.host}|${m.port}`;
    // A fixed backend (or an earlier group) already at this address keeps it; a self-loop is left out.
    if (taken.has(key) || loopsBack(service, listenHost, m)) continue;
    taken.add(key);
    out.push({
      id: m.id,
      host: m.host,
      port: m.port,
      weight: group.discover?.type === 'srv' && group.weight > 0 ? m.weight : group.weight,
      state: group.state,
      backup: group.backup || m.backup,
      maxConnections: group.maxConnections,
      agentCheck: group.agentCheck,
      proxyProtocol: group.proxyProtocol,
    });
  }
  return out;
}

/**
 * The engine snapshot of the stored services and their backends, in id order; `listenHost`
 * (--listen-host) replaces every service's listen host; `members` expands discovery groups.
 */
export function toEngineConfig(records: StoredRecords, listenHost?: string, members: MemberLookup = () => []): EngineConfig {
  const byService = new Map<number, BackendRecord[]>();
  for (const b of records.backends) {
    const list = byService.get(b.serviceId) ?? [];
    list.push(b);
    byService.set(b.serviceId, list);
  }
  return {
    services: records.services.map((s) => {
      const stored = byService.get(s.id) ?? [];
      const fixed = stored.filter((b) => b.discover === null);
      const backends: BackendConfig[] = fixed.map((b) => ({ id: b.id, host: b.host, port: b.port, weight: b.weight, state: b.state, backup: b.backup, maxConnections: b.maxConnections, agentCheck: b.agentCheck, proxyProtocol: b.proxyProtocol }));
      const taken = new Set(fixed.map((b) => `${b.host}|${b.port}`));
      for (const group of stored) if (group.discover !== null) backends.push(...groupMembers(s, group, members, taken, listenHost));
      return { id: s.id, name: s.name, host: listenHost ?? s.host, port: s.port, ...serviceSettings(s), backends };
    }),
  };
}
