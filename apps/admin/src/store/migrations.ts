// Schema migrations, versioned by `PRAGMA user_version`. Append only: never edit a shipped step.
import type { Database } from 'better-sqlite3';

/** One step per schema version; index 0 takes an empty file to version 1. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE services (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: engine ids are these ids
    name               TEXT    NOT NULL UNIQUE,
    host               TEXT    NOT NULL,
    port               INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    strategy           TEXT    NOT NULL,
    strategy_options   TEXT    NOT NULL DEFAULT '{}',
    connect_timeout_ms INTEGER NOT NULL,
    idle_timeout_ms    INTEGER NOT NULL,
    retries            INTEGER NOT NULL,
    drain_timeout_ms   INTEGER NOT NULL,
    max_queue          INTEGER NOT NULL,
    queue_timeout_ms   INTEGER NOT NULL,
    health_check       TEXT    NOT NULL DEFAULT '{}',
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    UNIQUE (host, port)
  );
  CREATE TABLE backends (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id      INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    host            TEXT    NOT NULL,
    port            INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    weight          INTEGER NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('enabled', 'disabled', 'draining')),
    backup          INTEGER NOT NULL DEFAULT 0,
    max_connections INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    UNIQUE (service_id, host, port)
  );
  CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    time       TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    actor      TEXT    NOT NULL,
    service_id INTEGER, -- no foreign key: the audit log outlives deleted services
    backend_id INTEGER,
    message    TEXT    NOT NULL,
    details    TEXT    NOT NULL DEFAULT '{}'
  );
  CREATE INDEX events_by_kind ON events (kind, id);
  CREATE INDEX events_by_service ON events (service_id, id);
  CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    hash       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: the event log is filtered by time (since/until) and pruned by age.
  `
  CREATE INDEX events_by_time ON events (time);
  `,
  // 3: browser sessions survive a restart. id is the SHA-256 (hex) of the cookie's random id;
  // times are epoch milliseconds. Revoking a token deletes its sessions (tokens-repo.ts).
  `
  CREATE TABLE sessions (
    id         TEXT    PRIMARY KEY,
    token_id   INTEGER NOT NULL REFERENCES tokens (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_by_token ON sessions (token_id);
  CREATE INDEX sessions_by_expiry ON sessions (expires_at);
  `,
  // 4: several nodes may share one store (--store postgres://…): an event names the node it
  // happened on (NULL: before clusters, or a single node).
  `
  ALTER TABLE events ADD COLUMN node TEXT;
  `,
  // 5: a backend may be a DNS discovery group (README "DNS discovery"): host holds the name it
  // resolves, port the members' port (0 for SRV, whose records carry ports). The table is rebuilt
  // for the new CHECK and UNIQUE; the id counter is carried over so no id is ever handed out twice.
  `
  CREATE TABLE backends_v5 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id      INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    host            TEXT    NOT NULL,
    port            INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),
    weight          INTEGER NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('enabled', 'disabled', 'draining')),
    backup          INTEGER NOT NULL DEFAULT 0,
    max_connections INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    discover_type   TEXT    NOT NULL DEFAULT '' CHECK (discover_type IN ('', 'dns', 'srv')),
    min_ttl_ms      INTEGER,
    max_ttl_ms      INTEGER,
    UNIQUE (service_id, discover_type, host, port)
  );
  INSERT INTO backends_v5 (id, service_id, host, port, weight, state, backup, max_connections, created_at)
    SELECT id, service_id, host, port, weight, state, backup, max_connections, created_at FROM backends;
  DELETE FROM sqlite_sequence WHERE name = 'backends_v5';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'backends_v5', seq FROM sqlite_sequence WHERE name = 'backends';
  DROP TABLE backends;
  ALTER TABLE backends_v5 RENAME TO backends;
  `,
  // 6: agent checks (README "Agent checks"): JSON {port, intervalMs}, NULL = none (a backend's
  // NULL means the service's).
  `
  ALTER TABLE services ADD COLUMN agent_check TEXT;
  ALTER TABLE backends ADD COLUMN agent_check TEXT;
  `,
  // 7: a service's allow/deny client lists (README "Who may connect"), JSON arrays of CIDR text.
  `
  ALTER TABLE services ADD COLUMN allow_cidrs TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE services ADD COLUMN deny_cidrs TEXT NOT NULL DEFAULT '[]';
  `,
  // 8: nothing here. PostgreSQL step 8 adds per-node stats to the nodes' heartbeats, and the two
  // histories keep one numbering (pg-migrations.ts).
  `SELECT 1;`,
  // 9: PROXY protocol (README "PROXY protocol"): what a service and a backend send ('off', 'v1',
  // 'v2'; a backend's NULL = the service's) and the trusted senders a service reads a header
  // from (a JSON array of CIDR text; NULL = off).
  `
  ALTER TABLE services ADD COLUMN proxy_protocol TEXT NOT NULL DEFAULT 'off';
  ALTER TABLE services ADD COLUMN accept_proxy_from TEXT;
  ALTER TABLE backends ADD COLUMN proxy_protocol TEXT;
  `,
  // 10: a service's limits (README "How much one client may take"), JSON; '{}' = the defaults (no limits).
  `
  ALTER TABLE services ADD COLUMN limits TEXT NOT NULL DEFAULT '{}';
  `,
  // 11: a service's maxConnectionLifetimeMs (README "Connection lifetime and rebalance"); 0 = off.
  `
  ALTER TABLE services ADD COLUMN max_connection_lifetime_ms INTEGER NOT NULL DEFAULT 0;
  `,
  // 12: TLS SNI routing (README "TLS SNI routing"): several services may share a listen address,
  // so (host, port) is no longer unique; sni is a JSON array of server names, NULL = none. The
  // services table is rebuilt without the UNIQUE, and backends with it (dropping the old services
  // table would cascade to them); both id counters are carried over so no id is handed out twice.
  `
  CREATE TABLE services_v12 (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    name               TEXT    NOT NULL UNIQUE,
    host               TEXT    NOT NULL,
    port               INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    strategy           TEXT    NOT NULL,
    strategy_options   TEXT    NOT NULL DEFAULT '{}',
    connect_timeout_ms INTEGER NOT NULL,
    idle_timeout_ms    INTEGER NOT NULL,
    retries            INTEGER NOT NULL,
    drain_timeout_ms   INTEGER NOT NULL,
    max_queue          INTEGER NOT NULL,
    queue_timeout_ms   INTEGER NOT NULL,
    health_check       TEXT    NOT NULL DEFAULT '{}',
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    agent_check        TEXT,
    allow_cidrs        TEXT    NOT NULL DEFAULT '[]',
    deny_cidrs         TEXT    NOT NULL DEFAULT '[]',
    proxy_protocol     TEXT    NOT NULL DEFAULT 'off',
    accept_proxy_from  TEXT,
    limits             TEXT    NOT NULL DEFAULT '{}',
    max_connection_lifetime_ms INTEGER NOT NULL DEFAULT 0,
    sni                TEXT
  );
  INSERT INTO services_v12 (id, name, host, port, strategy, strategy_options, connect_timeout_ms, idle_timeout_ms, retries,
      drain_timeout_ms, max_queue, queue_timeout_ms, health_check, version, created_at, updated_at, agent_check, allow_cidrs, deny_cidrs,
      proxy_protocol, accept_proxy_from, limits, max_connection_lifetime_ms)
    SELECT id, name, host, port, strategy, strategy_options, connect_timeout_ms, idle_timeout_ms, retries,
      drain_timeout_ms, max_queue, queue_timeout_ms, health_check, version, created_at, updated_at, agent_check, allow_cidrs, deny_cidrs,
      proxy_protocol, accept_proxy_from, limits, max_connection_lifetime_ms FROM services;
  CREATE TABLE backends_v12 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id      INTEGER NOT NULL REFERENCES services_v12 (id) ON DELETE CASCADE,
    host            TEXT    NOT NULL,
    port            INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),
    weight          INTEGER NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('enabled', 'disabled', 'draining')),
    backup          INTEGER NOT NULL DEFAULT 0,
    max_connections INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    discover_type   TEXT    NOT NULL DEFAULT '' CHECK (discover_type IN ('', 'dns', 'srv')),
    min_ttl_ms      INTEGER,
    max_ttl_ms      INTEGER,
    agent_check     TEXT,
    proxy_protocol  TEXT,
    UNIQUE (service_id, discover_type, host, port)
  );
  INSERT INTO backends_v12 (id, service_id, host, port, weight, state, backup, max_connections, created_at, discover_type, min_ttl_ms, max_ttl_ms, agent_check, proxy_protocol)
    SELECT id, service_id, host, port, weight, state, backup, max_connections, created_at, discover_type, min_ttl_ms, max_ttl_ms, agent_check, proxy_protocol FROM backends;
  DELETE FROM sqlite_sequence WHERE name IN ('services_v12', 'backends_v12');
  INSERT INTO sqlite_sequence (name, seq) SELECT 'services_v12', seq FROM sqlite_sequence WHERE name = 'services';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'backends_v12', seq FROM sqlite_sequence WHERE name = 'backends';
  DROP TABLE backends;
  DROP TABLE services;
  ALTER TABLE services_v12 RENAME TO services;
  ALTER TABLE backends_v12 RENAME TO backends;
  CREATE INDEX services_by_listen ON services (host, port);
  `,
  // 13: nothing here. PostgreSQL step 13 adds the cluster secret that signs node assertions, and
  // the two histories keep one numbering (pg-migrations.ts).
  `SELECT 1;`,
];

/** Thrown when the data directory was written by a newer fulcrum than this one. */
export class SchemaTooNewError extends Error {
  constructor(found: number, known: number) {
    super(`the database schema is version ${found}, newer than this fulcrum knows (${known}); upgrade fulcrum`);
    this.name = 'SchemaTooNewError';
  }
}

/** Brings the schema to the latest version, one transaction per step. */
export function migrate(db: Database, migrations: readonly string[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw new SchemaTooNewError(current, migrations.length);
  for (let version = current; version < migrations.length; version++) {
    const step = db.transaction(() => {
      db.exec(migrations[version] as string);
      // PRAGMA takes no bound parameters; the value is our own integer.
      db.pragma(`user_version = ${version + 1}`);
    });
    step.immediate();
  }
  return migrations.length;
}
