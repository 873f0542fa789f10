// Repository of the services table: a small factory over prepared statements.
import type { Database } from 'better-sqlite3';
import type { AcceptProxyProtocolDto, AgentCheckDto, ClientLimitsDto, HealthCheckSettings, ProxyProtocolMode, ServiceSettingsDto, StrategyOptionsDto } from '@fulcrum/shared/api';
import type { StrategyName } from '@fulcrum/shared/strategies';
import { CLIENT_LIMITS_DEFAULTS, HEALTH_CHECK_DEFAULTS } from '@fulcrum/shared/defaults';

/** A service's settings as stored: the health check with its password (never answered as is). */
export interface StoredServiceSettings extends Omit<ServiceSettingsDto, 'healthCheck'> {
  healthCheck: HealthCheckSettings;
}

/** A service as stored, without its backends. */
export interface ServiceRecord extends StoredServiceSettings {
  id: number;
  name: string;
  host: string;
  port: number;
  version: number;
}

/** The writable columns of a service. */
export type ServiceValues = Omit<ServiceRecord, 'id' | 'version'>;

/** A service's balancing, timeout, limit and health settings: the same in every shape it takes. */
export function serviceSettings<H extends object>(s: Omit<ServiceSettingsDto, 'healthCheck'> & { healthCheck: H }): Omit<ServiceSettingsDto, 'healthCheck'> & { healthCheck: H } {
  return {
    strategy: s.strategy,
    strategyOptions: { ...s.strategyOptions },
    connectTimeoutMs: s.connectTimeoutMs,
    idleTimeoutMs: s.idleTimeoutMs,
    retries: s.retries,
    drainTimeoutMs: s.drainTimeoutMs,
    maxQueue: s.maxQueue,
    queueTimeoutMs: s.queueTimeoutMs,
    maxConnectionLifetimeMs: s.maxConnectionLifetimeMs,
    agentCheck: s.agentCheck === null ? null : { ...s.agentCheck },
    allow: [...s.allow],
    deny: [...s.deny],
    proxyProtocol: s.proxyProtocol,
    acceptProxyProtocol: s.acceptProxyProtocol === null ? null : { from: [...s.acceptProxyProtocol.from] },
    limits: copyLimits(s.limits),
    sni: s.sni === null ? null : [...s.sni],
    healthCheck: { ...s.healthCheck },
  };
}

/** A copy of `limits`, fields in their documented order (the order of every answer and export). */
export function copyLimits(l: Readonly<ClientLimitsDto>): ClientLimitsDto {
  return {
    perClientConnections: l.perClientConnections,
    perClientRate: l.perClientRate === null ? null : { connections: l.perClientRate.connections, intervalMs: l.perClientRate.intervalMs },
    serviceRate: l.serviceRate === null ? null : { connections: l.serviceRate.connections, intervalMs: l.serviceRate.intervalMs },
    ipv6Prefix: l.ipv6Prefix,
    tableSize: l.tableSize,
  };
}

interface ServiceRow {
  id: number;
  name: string;
  host: string;
  port: number;
  strategy: string;
  strategy_options: string;
  connect_timeout_ms: number;
  idle_timeout_ms: number;
  retries: number;
  drain_timeout_ms: number;
  max_queue: number;
  queue_timeout_ms: number;
  max_connection_lifetime_ms: number;
  allow_cidrs: string;
  deny_cidrs: string;
  sni: string | null;
  health_check: string;
  agent_check: string | null;
  proxy_protocol: string;
  accept_proxy_from: string | null;
  limits: string;
  version: number;
}

/** An agent check column: JSON, or NULL for none. */
export function parseAgentCheck(text: string | null): AgentCheckDto | null {
  if (text === null) return null;
  const { port, intervalMs } = JSON.parse(text) as AgentCheckDto;
  return { port, intervalMs };
}

/** The stored text of an agent check (NULL for none). */
export function agentCheckText(check: AgentCheckDto | null): string | null {
  return check === null ? null : JSON.stringify({ port: check.port, intervalMs: check.intervalMs });
}

function toRecord(row: ServiceRow): ServiceRecord {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    port: row.port,
    strategy: row.strategy as StrategyName,
    strategyOptions: JSON.parse(row.strategy_options) as StrategyOptionsDto,
    connectTimeoutMs: row.connect_timeout_ms,
    idleTimeoutMs: row.idle_timeout_ms,
    retries: row.retries,
    drainTimeoutMs: row.drain_timeout_ms,
    maxQueue: row.max_queue,
    queueTimeoutMs: row.queue_timeout_ms,
    maxConnectionLifetimeMs: row.max_connection_lifetime_ms,
    agentCheck: parseAgentCheck(row.agent_check),
    allow: JSON.parse(row.allow_cidrs) as string[],
    deny: JSON.parse(row.deny_cidrs) as string[],
    proxyProtocol: row.proxy_protocol as ProxyProtocolMode,
    acceptProxyProtocol: row.accept_proxy_from === null ? null : ({ from: JSON.parse(row.accept_proxy_from) as string[] } satisfies AcceptProxyProtocolDto),
    // Merged with the defaults, like the health check: '{}' (the column's default) is "no limits".
    limits: copyLimits({ ...CLIENT_LIMITS_DEFAULTS, ...(JSON.parse(row.limits) as Partial<ClientLimitsDto>) }),
    sni: row.sni === null ? null : (JSON.parse(row.sni) as string[]),
    // Merging with the defaults lets a newer fulcrum add health-check fields without a migration.
    healthCheck: { ...HEALTH_CHECK_DEFAULTS, ...(JSON.parse(row.health_check) as Partial<HealthCheckSettings>) },
    version: row.version,
  };
}

function toParams(values: ServiceValues) {
  return {
    name: values.name,
    host: values.host,
    port: values.port,
    strategy: values.strategy,
    strategy_options: JSON.stringify(values.strategyOptions),
    connect_timeout_ms: values.connectTimeoutMs,
    idle_timeout_ms: values.idleTimeoutMs,
    retries: values.retries,
    drain_timeout_ms: values.drainTimeoutMs,
    max_queue: values.maxQueue,
    queue_timeout_ms: values.queueTimeoutMs,
    max_connection_lifetime_ms: values.maxConnectionLifetimeMs,
    allow_cidrs: JSON.stringify(values.allow),
    deny_cidrs: JSON.stringify(values.deny),
    sni: values.sni === null ? null : JSON.stringify(values.sni),
    health_check: JSON.stringify(values.healthCheck),
    agent_check: agentCheckText(values.agentCheck),
    proxy_protocol: values.proxyProtocol,
    accept_proxy_from: values.acceptProxyProtocol === null ? null : JSON.stringify(values.acceptProxyProtocol.from),
    limits: JSON.stringify(copyLimits(values.limits)),
    now: new Date().toISOString(),
  };
}

export type ServicesRepo = ReturnType<typeof createServicesRepo>;

/** Builds the services repository over `db`. */
export function createServicesRepo(db: Database) {
  const list = db.prepare<[], ServiceRow>('SELECT * FROM services ORDER BY id');
  const get = db.prepare<[number], ServiceRow>('SELECT * FROM services WHERE id = ?');
  const byName = db.prepare<[string], ServiceRow>('SELECT * FROM services WHERE name = ?');
  const byListen = db.prepare<[string, number], ServiceRow>('SELECT * FROM services WHERE host = ? AND port = ? ORDER BY id');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM services');
  const insert = db.prepare(`
    INSERT INTO services (name, host, port, strategy, strategy_options, connect_timeout_ms, idle_timeout_ms,
      retries, drain_timeout_ms, max_queue, queue_timeout_ms, max_connection_lifetime_ms, allow_cidrs, deny_cidrs, sni, health_check, agent_check,
      proxy_protocol, accept_proxy_from, limits, version, created_at, updated_at)
    VALUES (@name, @host, @port, @strategy, @strategy_options, @connect_timeout_ms, @idle_timeout_ms,
      @retries, @drain_timeout_ms, @max_queue, @queue_timeout_ms, @max_connection_lifetime_ms, @allow_cidrs, @deny_cidrs, @sni, @health_check, @agent_check,
      @proxy_protocol, @accept_proxy_from, @limits, 1, @now, @now)`);
  const update = db.prepare(`
    UPDATE services SET name = @name, host = @host, port = @port, strategy = @strategy,
      strategy_options = @strategy_options, connect_timeout_ms = @connect_timeout_ms,
      idle_timeout_ms = @idle_timeout_ms, retries = @retries, drain_timeout_ms = @drain_timeout_ms,
      max_queue = @max_queue, queue_timeout_ms = @queue_timeout_ms,
      max_connection_lifetime_ms = @max_connection_lifetime_ms, allow_cidrs = @allow_cidrs,
      deny_cidrs = @deny_cidrs, sni = @sni, health_check = @health_check,
      agent_check = @agent_check, proxy_protocol = @proxy_protocol, accept_proxy_from = @accept_proxy_from, limits = @limits,
      version = version + 1, updated_at = @now
    WHERE id = @id`);
  const bump = db.prepare<[string, number]>('UPDATE services SET version = version + 1, updated_at = ? WHERE id = ?');
  const remove = db.prepare<[number]>('DELETE FROM services WHERE id = ?');
  const park = db.prepare<[string, number]>('UPDATE services SET host = ? WHERE id = ?');

  return {
    list: (): ServiceRecord[] => list.all().map(toRecord),
    get: (id: number): ServiceRecord | undefined => {
      const row = get.get(id);
      return row && toRecord(row);
    },
    findByName: (name: string): ServiceRecord | undefined => {
      const row = byName.get(name);
      return row && toRecord(row);
    },
    /** Every service on a listen address (several with TLS SNI routing), oldest first. */
    listByListen: (host: string, port: number): ServiceRecord[] => byListen.all(host, port).map(toRecord),
    count: (): number => count.get()?.n ?? 0,
    /** Inserts a service at version 1 and returns its id. */
    insert: (values: ServiceValues): number => Number(insert.run(toParams(values)).lastInsertRowid),
    /** Overwrites a service and increments its version. */
    update: (id: number, values: ServiceValues): void => {
      update.run({ ...toParams(values), id });
    },
    /** Increments the version after a change to one of the service's backends. */
    bumpVersion: (id: number): void => {
      bump.run(new Date().toISOString(), id);
    },
    /**
     * Moves a service's listen address out of the way (a placeholder host) inside a transaction
     * that will rewrite it, so services can trade addresses without breaking UNIQUE (host, port).
     */
    park: (id: number): void => {
      park.run(`(parked ${id})`, id);
    },
    /** Deletes a service; its backends go with it (ON DELETE CASCADE). */
    delete: (id: number): boolean => remove.run(id).changes > 0,
  };
}
