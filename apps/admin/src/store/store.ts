// The SQLite store: one connection, WAL, FULL sync, foreign keys, migrated on open.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database as Db } from 'better-sqlite3';
import type { BackendDto, ServiceDto } from '@fulcrum/shared/api';
import { toPublicHealthCheck } from '@fulcrum/shared/health-check-secrets';
import { formatAddress } from '@fulcrum/shared/address';
import { migrate } from './migrations.ts';
import { backendAddress, toDiscoverDto } from '../discovery/group-label.ts';
import { openDatabase } from './retained-database.ts';
import { createServicesRepo, serviceSettings } from './services-repo.ts';
import type { ServiceRecord, ServicesRepo } from './services-repo.ts';
import { createBackendsRepo } from './backends-repo.ts';
import type { BackendRecord, BackendsRepo } from './backends-repo.ts';
import { createEventsRepo } from './events-repo.ts';
import type { EventRetention, EventsRepo } from './events-repo.ts';
import { createTokensRepo } from './tokens-repo.ts';
import type { TokensRepo } from './tokens-repo.ts';
import { createSessionsRepo } from './sessions-repo.ts';
import type { SessionsRepo } from './sessions-repo.ts';
import { createSettingsRepo } from './settings-repo.ts';
import type { SettingsRepo } from './settings-repo.ts';

/** The database file inside a data directory. */
export const DB_FILE = 'fulcrum.db';

/** The store handed to buildApp: the connection and its repositories. */
export interface Store {
  /** The directory holding the database (absolute). */
  readonly dataDir: string;
  /**
   * The one connection. Every write must go through the config service's exclusive section,
   * because a config change keeps a transaction open on this connection while the engine applies it.
   */
  readonly db: Db;
  readonly services: ServicesRepo;
  readonly backends: BackendsRepo;
  readonly events: EventsRepo;
  readonly tokens: TokensRepo;
  readonly sessions: SessionsRepo;
  readonly settings: SettingsRepo;
  /** Every service and backend record as stored, each ordered by id (one read for the API view and the engine's). */
  readRecords(): StoredRecords;
  /** Every service with its backends, as the API shows them, ordered by id. */
  readServices(): ServiceDto[];
  close(): void;
}

/** The configuration as stored: service records and backend records (by serviceId), each ordered by id. */
export interface StoredRecords {
  services: ServiceRecord[];
  backends: BackendRecord[];
}

/** The API view of stored records: services with their backends, addresses as host:port. */
export function toServiceDtos(records: StoredRecords): ServiceDto[] {
  const byService = new Map<number, BackendDto[]>();
  for (const b of records.backends) {
    const list = byService.get(b.serviceId) ?? [];
    list.push(toBackendDto(b));
    byService.set(b.serviceId, list);
  }
  return records.services.map((s) => ({
    id: s.id,
    name: s.name,
    listen: formatAddress(s.host, s.port),
    ...serviceSettings(s),
    healthCheck: toPublicHealthCheck(s.healthCheck),
    version: s.version,
    backends: byService.get(s.id) ?? [],
  }));
}

/** Maps a stored backend to its wire form. */
export function toBackendDto(b: BackendRecord): BackendDto {
  return {
    id: b.id,
    serviceId: b.serviceId,
    address: backendAddress(b),
    ...(b.discover === null ? {} : { discover: toDiscoverDto({ ...b, discover: b.discover }) }),
    weight: b.weight,
    state: b.state,
    backup: b.backup,
    maxConnections: b.maxConnections,
    agentCheck: b.agentCheck === null ? null : { ...b.agentCheck },
    proxyProtocol: b.proxyProtocol,
  };
}

export interface StoreOptions {
  /** How much of the event log to keep (default 100 000 events, 30 days). */
  eventRetention?: Partial<EventRetention>;
}

/** Opens (creating if needed) the store in `dataDir` and migrates it to the latest schema. */
export function openStore(dataDir: string, opts: StoreOptions = {}): Store {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const db = openDatabase(join(dir, DB_FILE));
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a 2xx promises the change survives a power cut, not only a process crash.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const services = createServicesRepo(db);
  const backends = createBackendsRepo(db);
  return {
    dataDir: dir,
    db,
    services,
    backends,
    events: createEventsRepo(db, opts.eventRetention),
    tokens: createTokensRepo(db),
    sessions: createSessionsRepo(db),
    settings: createSettingsRepo(db),
    readRecords() {
      return { services: services.list(), backends: backends.list() };
    },
    readServices() {
      return toServiceDtos(this.readRecords());
    },
    close() {
      if (db.open) db.close();
    },
  };
}
