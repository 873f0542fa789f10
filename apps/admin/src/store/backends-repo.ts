// Repository of the backends table: a small factory over prepared statements.
import type { Database } from 'better-sqlite3';
import type { AdminState, AgentCheckDto, BackendDto, DiscoveryType, ProxyProtocolMode } from '@fulcrum/shared/api';
import { agentCheckText, parseAgentCheck } from './services-repo.ts';

/** What makes a stored backend a discovery group: its name is `host`, its port `port` (0 for srv). */
export interface DiscoverColumns {
  type: DiscoveryType;
  minTtlMs: number;
  maxTtlMs: number;
}

/** A backend as stored. */
export interface BackendRecord {
  id: number;
  serviceId: number;
  /** The address's host; for a discovery group, the name it resolves. */
  host: string;
  /** The address's port; for a discovery group the members' port (0: srv, the records say). */
  port: number;
  /** null: a backend at host:port; else a discovery group. */
  discover: DiscoverColumns | null;
  weight: number;
  state: AdminState;
  backup: boolean;
  maxConnections: number;
  /** null = the service's agent check. */
  agentCheck: AgentCheckDto | null;
  /** null = the service's proxyProtocol. */
  proxyProtocol: ProxyProtocolMode | null;
}

/** The writable columns of a backend. */
export type BackendValues = Omit<BackendRecord, 'id' | 'serviceId'>;

interface BackendRow {
  id: number;
  service_id: number;
  host: string;
  port: number;
  weight: number;
  state: string;
  backup: number;
  max_connections: number;
  discover_type: string;
  min_ttl_ms: number | null;
  max_ttl_ms: number | null;
  agent_check: string | null;
  proxy_protocol: string | null;
}

function toRecord(row: BackendRow): BackendRecord {
  return {
    id: row.id,
    serviceId: row.service_id,
    host: row.host,
    port: row.port,
    discover:
      row.discover_type === ''
        ? null
        : { type: row.discover_type as DiscoveryType, minTtlMs: row.min_ttl_ms ?? 0, maxTtlMs: row.max_ttl_ms ?? 0 },
    weight: row.weight,
    state: row.state as BackendDto['state'],
    backup: row.backup === 1,
    maxConnections: row.max_connections,
    agentCheck: parseAgentCheck(row.agent_check),
    proxyProtocol: row.proxy_protocol as ProxyProtocolMode | null,
  };
}

function toParams(values: BackendValues) {
  return {
    host: values.host,
    port: values.port,
    weight: values.weight,
    state: values.state,
    backup: values.backup ? 1 : 0,
    max_connections: values.maxConnections,
    discover_type: values.discover?.type ?? '',
    min_ttl_ms: values.discover?.minTtlMs ?? null,
    max_ttl_ms: values.discover?.maxTtlMs ?? null,
    agent_check: agentCheckText(values.agentCheck),
    proxy_protocol: values.proxyProtocol,
  };
}

export type BackendsRepo = ReturnType<typeof createBackendsRepo>;

/** Builds the backends repository over `db`. */
export function createBackendsRepo(db: Database) {
  const list = db.prepare<[], BackendRow>('SELECT * FROM backends ORDER BY service_id, id');
  const byService = db.prepare<[number], BackendRow>('SELECT * FROM backends WHERE service_id = ? ORDER BY id');
  const get = db.prepare<[number, number], BackendRow>('SELECT * FROM backends WHERE id = ? AND service_id = ?');
  const byAddress = db.prepare<[number, string, number], BackendRow>(
    "SELECT * FROM backends WHERE service_id = ? AND host = ? AND port = ? AND discover_type = ''",
  );
  const groupByName = db.prepare<[number, string, string, number], BackendRow>(
    'SELECT * FROM backends WHERE service_id = ? AND discover_type = ? AND host = ? AND port = ?',
  );
  const insert = db.prepare(`
    INSERT INTO backends (service_id, host, port, weight, state, backup, max_connections, agent_check, proxy_protocol, created_at, discover_type, min_ttl_ms, max_ttl_ms)
    VALUES (@service_id, @host, @port, @weight, @state, @backup, @max_connections, @agent_check, @proxy_protocol, @now, @discover_type, @min_ttl_ms, @max_ttl_ms)`);
  const update = db.prepare(`
    UPDATE backends SET host = @host, port = @port, weight = @weight, state = @state, backup = @backup,
      max_connections = @max_connections, agent_check = @agent_check, proxy_protocol = @proxy_protocol, discover_type = @discover_type, min_ttl_ms = @min_ttl_ms, max_ttl_ms = @max_ttl_ms
    WHERE id = @id`);
  const remove = db.prepare<[number]>('DELETE FROM backends WHERE id = ?');

  return {
    list: (): BackendRecord[] => list.all().map(toRecord),
    listByService: (serviceId: number): BackendRecord[] => byService.all(serviceId).map(toRecord),
    /** The backend `id` of service `serviceId`, if both exist and belong together. */
    get: (serviceId: number, id: number): BackendRecord | undefined => {
      const row = get.get(id, serviceId);
      return row && toRecord(row);
    },
    /** The backend at host:port (never a discovery group). */
    findByAddress: (serviceId: number, host: string, port: number): BackendRecord | undefined => {
      const row = byAddress.get(serviceId, host, port);
      return row && toRecord(row);
    },
    /** The discovery group of this type, name and port (0 for srv). */
    findGroup: (serviceId: number, type: DiscoveryType, name: string, port: number): BackendRecord | undefined => {
      const row = groupByName.get(serviceId, type, name, port);
      return row && toRecord(row);
    },
    insert: (serviceId: number, values: BackendValues): number =>
      Number(insert.run({ ...toParams(values), service_id: serviceId, now: new Date().toISOString() }).lastInsertRowid),
    update: (id: number, values: BackendValues): void => {
      update.run({ ...toParams(values), id });
    },
    delete: (id: number): boolean => remove.run(id).changes > 0,
  };
}
