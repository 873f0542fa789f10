// A backend's live state: its config, counters and the connections it holds. Strategies read
// it through the BackendView interface.
import type { AdminState, BackendConfig, HealthState, ProxyProtocolMode } from './config.ts';
import type { BackendView } from './strategy.ts';
import { isIP } from 'node:net';
import { formatAddress } from '@fulcrum/shared/address';
import { BACKEND_LIMITS } from '@fulcrum/shared/limits';
import { RecentRate } from './recent-rate.ts';

/** A connection as its backend's intrusive list sees it. */
export interface BackendLink {
  prev: BackendLink | null;
  next: BackendLink | null;
  /** performance.now() at accept (the lifetime sweep measures ages from it). */
  readonly acceptedAt: number;
  /** Its share of the lifetime jitter: its lifetime is maxConnectionLifetimeMs × this (1 ± 0.1). */
  readonly lifetimeScale: number;
  /** True while bytes flow: only such a connection is ended early by the sweep or a rebalance. */
  readonly relaying: boolean;
  /** Closes both sides (drain timeout, closeOnDown, shutdown). */
  destroy(): void;
  /**
   * Closes with FIN both ways, replies in flight delivered (a drain deadline, a lifetime, a
   * rebalance: `reason`; see Connection).
   */
  endGracefully(reason?: 'drain-deadline' | 'lifetime' | 'rebalance'): void;
}

/** One backend of a service, live: what strategies read, counters, and its connections. */
export class Backend implements BackendView {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly address: string;
  /** 4 or 6 for an IP address; 0 for a host name, resolved per connection. */
  readonly family: number;
  weight: number;
  /** weight × slow start × agent, recomputed by applyWeight() (what weighted strategies use). */
  effectiveWeight: number;
  /** Slow start's share of the weight (0.1 → 1 while ramping; 1 otherwise). */
  slowFactor = 1;
  /** The agent's share: 0 while it says down/maint/drain, its percentage / 100, else 1. */
  agentFactor = 1;
  adminState: AdminState;
  backup: boolean;
  maxConnections: number;
  health: HealthState = 'unknown';
  /** Set when the backend was removed from the config and only drains. */
  removed = false;
  /** When health last became `up` (for slow start). */
  upSince = 0;
  /** The PROXY protocol header its connections and checks send: its own setting, else the service's (the service sets it on each apply). */
  proxyProtocol: ProxyProtocolMode = 'off';

  /** Connections of this process (connecting or established). */
  localActive = 0;
  /** Connections other worker processes reported for this backend (setRemoteLoad). */
  remoteActive = 0;
  /** Consecutive passive failures: failed connects, resets or closes before the first byte (reset by a success). */
  failStreak = 0;
  total = 0;
  bytesIn = 0;
  bytesOut = 0;
  connectFailures = 0;
  /** Failed connects over the last minute (performance.now() clock), for stats' failureRate. */
  readonly recentFailures = new RecentRate();
  /** Connections ended gracefully for being older than maxConnectionLifetimeMs (connection-lifetime.ts). */
  closedByLifetime = 0;
  /** Connections ended gracefully by a rebalance of this backend (rebalance.ts). */
  closedByRebalance = 0;
  connectTimeEwmaMs = 0;
  bandwidthEwma = 0;
  /** Bytes counted at the last bandwidth tick. */
  lastBytes = 0;

  /** Intrusive list of this backend's connections (no Set, no allocation per connection). */
  head: BackendLink | null = null;
  drainTimer: NodeJS.Timeout | null = null;
  /** The current drain already ended (its event was emitted); reset when a new drain starts. */
  drainDone = false;

  /** What strategies and maxConnections see: this process's connections plus other workers'. */
  get active(): number {
    return this.localActive + this.remoteActive;
  }

  constructor(config: BackendConfig) {
    this.id = config.id;
    this.host = config.host;
    this.port = config.port;
    this.address = formatAddress(config.host, config.port);
    this.family = isIP(config.host);
    this.weight = config.weight;
    this.effectiveWeight = config.weight;
    this.adminState = config.state;
    this.backup = config.backup;
    this.maxConnections = config.maxConnections;
  }

  /** Recomputes effectiveWeight from the configured weight and both factors (capped at the largest weight). */
  applyWeight(): void {
    this.effectiveWeight = Math.min(this.weight * this.slowFactor * this.agentFactor, BACKEND_LIMITS.weight.max);
  }

  /** Same identity: same id and same address (an address change is a new backend). */
  sameAs(config: BackendConfig): boolean {
    return config.id === this.id && config.host === this.host && config.port === this.port;
  }

  link(conn: BackendLink): void {
    conn.prev = null;
    conn.next = this.head;
    if (this.head !== null) this.head.prev = conn;
    this.head = conn;
  }

  unlink(conn: BackendLink): void {
    if (conn.prev !== null) conn.prev.next = conn.next;
    else if (this.head === conn) this.head = conn.next;
    if (conn.next !== null) conn.next.prev = conn.prev;
    conn.prev = null;
    conn.next = null;
  }

  /** Destroys every connection to this backend; returns how many there were. */
  destroyConnections(): number {
    let n = 0;
    let conn = this.head;
    while (conn !== null) {
      const next = conn.next;
      conn.destroy();
      n++;
      conn = next;
    }
    return n;
  }

  /** Ends every connection to this backend gracefully (Connection.endGracefully). */
  endConnections(): void {
    let conn = this.head;
    while (conn !== null) {
      const next = conn.next;
      conn.endGracefully();
      conn = next;
    }
  }

  clearDrainTimer(): void {
    if (this.drainTimer !== null) {
      clearTimeout(this.drainTimer);
      this.drainTimer = null;
    }
  }
}
