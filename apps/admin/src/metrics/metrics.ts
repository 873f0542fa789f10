// Prometheus metrics from engine counters. Nothing is counted per connection here: each scrape
// takes one engine.stats() snapshot and the collectors turn it into samples, so series of removed
// backends and services disappear with them. Own Registry, never prom-client's global one.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineStats, ServiceStats, BackendStats } from '@fulcrum/engine';
import { ACCEPT_REJECT_REASONS, ADMIN_STATES, AGENT_STATES, HEALTH_STATES } from '@fulcrum/shared/enums';

export interface FulcrumMetrics {
  readonly registry: Registry;
  /** The exposition-format content type. */
  readonly contentType: string;
  /** One scrape: a fresh stats snapshot rendered in the text format. */
  render(): Promise<string>;
}

export interface MetricsOptions {
  /** Where the counters come from (engine.stats). */
  stats: () => EngineStats;
  /** Also export process_* and nodejs_* metrics (default true). */
  defaultMetrics?: boolean;
  /** This node in the cluster: its name, store, the configuration version it runs, and trouble. */
  node?: () => NodeMetrics;
  /** The metric history's writer counters (history-writer.ts). */
  history?: () => HistoryMetrics;
}

/** What /metrics says about the metric history: buckets written, dropped (queue full, thread gone), failed, pending. */
export interface HistoryMetrics {
  written: number;
  dropped: number;
  failed: number;
  pending: number;
}

/** What /metrics says about this node's place in the cluster. */
export interface NodeMetrics {
  name: string;
  store: 'sqlite' | 'postgres';
  version: number;
  /** The newest version could not be applied here. */
  applyFailed: boolean;
  /** With a shared store: can it be reached now. */
  storeReachable?: boolean;
}

const BACKEND_LABELS = ['service', 'backend'] as const;
const SERVICE_LABELS = ['service'] as const;

type BackendLabel = (typeof BACKEND_LABELS)[number];
type ServiceLabel = (typeof SERVICE_LABELS)[number];

/** Builds the registry and its scrape-time collectors. */
export function createMetrics(opts: MetricsOptions): FulcrumMetrics {
  const registry = new Registry();
  let snapshot: EngineStats | undefined;
  const current = (): EngineStats => (snapshot ??= opts.stats());

  const eachBackend = (visit: (labels: Record<BackendLabel, string>, b: BackendStats, s: ServiceStats) => void) => {
    for (const s of current().services) for (const b of s.backends) visit({ service: s.name, backend: b.address }, b, s);
  };
  const eachService = (visit: (labels: Record<ServiceLabel, string>, s: ServiceStats) => void) => {
    for (const s of current().services) visit({ service: s.name }, s);
  };

  // One collector shape for every per-backend and per-service number: reset, then re-add from
  // the snapshot. Sums, because a removed backend that still drains can share its address with
  // a new one. `value` returning undefined leaves that series out.
  const summed = <L extends string, T>(
    kind: 'counter' | 'gauge', name: string, help: string, labelNames: readonly L[],
    each: (visit: (labels: Record<L, string>, item: T) => void) => void, value: (item: T) => number | undefined,
  ) => {
    const config = {
      name,
      help,
      labelNames,
      registers: [registry],
      collect(this: { reset(): void; inc(labels: Record<L, string>, v: number): void }) {
        this.reset();
        each((labels, item) => {
          const v = value(item);
          if (v !== undefined) this.inc(labels, v);
        });
      },
    };
    return kind === 'counter' ? new Counter(config) : new Gauge(config);
  };
  type Value<T> = (item: T) => number | undefined;
  const backendCounter = (name: string, help: string, value: Value<BackendStats>) => summed('counter', name, help, BACKEND_LABELS, eachBackend, value);
  const backendGauge = (name: string, help: string, value: Value<BackendStats>, configuredOnly = false) =>
    summed('gauge', name, help, BACKEND_LABELS, eachBackend, (b) => (configuredOnly && b.removed ? undefined : value(b)));
  const serviceCounter = (name: string, help: string, value: Value<ServiceStats>) => summed('counter', name, help, SERVICE_LABELS, eachService, value);
  const serviceGauge = (name: string, help: string, value: Value<ServiceStats>) => summed('gauge', name, help, SERVICE_LABELS, eachService, value);
  /** A state set per configured backend; `state` returning undefined leaves the backend out (all 0 for null). */
  const backendStateSet = (name: string, help: string, states: readonly string[], state: (b: BackendStats) => string | null | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: [...BACKEND_LABELS, 'state'],
      registers: [registry],
      collect() {
        this.reset();
        eachBackend((labels, b) => {
          if (b.removed) return;
          const current = state(b);
          if (current === undefined) return;
          for (const s of states) this.set({ ...labels, state: s }, current === s ? 1 : 0);
        });
      },
    });

  backendGauge('fulcrum_backend_connections_active', 'Established client connections to the backend.', (b) => b.active);
  backendCounter('fulcrum_backend_connections_total', 'Client connections spliced to the backend.', (b) => b.total);
  backendCounter('fulcrum_backend_bytes_in_total', 'Bytes from clients forwarded to the backend.', (b) => b.bytesIn);
  backendCounter('fulcrum_backend_bytes_out_total', 'Bytes from the backend forwarded to clients.', (b) => b.bytesOut);
  backendCounter('fulcrum_backend_connect_failures_total', 'Failed connection attempts to the backend.', (b) => b.connectFailures);
  // Both reasons exported (0 included), so a rate() over them starts at the first scrape.
  const eachEarlyClose = (visit: (labels: Record<BackendLabel | 'reason', string>, n: number) => void) =>
    eachBackend((labels, b) => {
      visit({ ...labels, reason: 'lifetime' }, b.closedByLifetime);
      visit({ ...labels, reason: 'rebalance' }, b.closedByRebalance);
    });
  summed(
    'counter', 'fulcrum_backend_connections_ended_total',
    'Connections Fulcrum ended gracefully (FIN both ways) before either peer did, by reason (lifetime: maxConnectionLifetimeMs; rebalance: an operator\'s rebalance).',
    [...BACKEND_LABELS, 'reason'] as const, eachEarlyClose, (n: number) => n,
  );
  backendGauge('fulcrum_backend_weight', 'Configured weight (0 = no new connections).', (b) => b.weight, true);
  backendGauge('fulcrum_backend_effective_weight', 'Weight in use now (lower during slow start).', (b) => b.effectiveWeight, true);
  backendGauge('fulcrum_backend_connect_time_seconds', 'Connect time, exponentially weighted moving average.', (b) => b.connectTimeMs / 1000, true);
  backendGauge(
    'fulcrum_backend_draining_connections',
    'Connections still open on a draining or removed backend.',
    (b) => (b.removed || b.state === 'draining' ? b.active : 0),
  );
  backendStateSet('fulcrum_backend_health_state', 'Health as seen by the checks: 1 for the current state.', HEALTH_STATES, (b) => b.health);
  backendStateSet('fulcrum_backend_admin_state', 'Administrative state: 1 for the current state.', ADMIN_STATES, (b) => b.state);
  // Only backends with an agent check; all 0 until the agent said a state word.
  backendStateSet('fulcrum_backend_agent_state', 'What the backend\'s agent said last (agent checks): 1 for the current state.', AGENT_STATES, (b) => (b.agent === null ? undefined : b.agent.state));
  backendGauge('fulcrum_backend_agent_answering', '1 while the backend\'s agent answers (agent checks); 0 keeps its last word in force.', (b) => (b.agent === null ? undefined : b.agent.error === null ? 1 : 0), true);

  serviceGauge('fulcrum_service_connections_active', 'Established client connections of the service.', (s) => s.active);
  serviceCounter('fulcrum_service_connections_total', 'Client connections accepted by the service.', (s) => s.total);
  serviceCounter('fulcrum_service_rejected_total', 'Clients closed because no backend could take them.', (s) => s.rejected);
  // Every reason is exported (0 included), so a rate() over it starts at the first scrape.
  const eachRejectReason = (visit: (labels: Record<'service' | 'reason', string>, n: number) => void) =>
    eachService((labels, s) => {
      for (const reason of ACCEPT_REJECT_REASONS) visit({ ...labels, reason }, s.rejectedByReason[reason]);
    });
  summed('counter', 'fulcrum_service_accept_rejected_total', 'Clients closed at accept, before any backend was chosen, by reason (denied: allow/deny lists; proxy-untrusted, proxy-invalid, proxy-timeout: acceptProxyProtocol; perClientConnections, perClientRate, serviceRate, clientTableFull: limits; sniMalformed, sniOversized, sniTimeout, sniNoRoute: the TLS SNI peek of a shared address, counted on each service of the address).', ['service', 'reason'] as const, eachRejectReason, (n: number) => n);
  serviceGauge('fulcrum_service_client_table_entries', 'Clients tracked for the per-client limits now (at most limits.tableSize per process; summed over workers).', (s) => s.clientTable.entries);
  serviceCounter('fulcrum_service_retries_total', 'Connect attempts retried on another backend.', (s) => s.retries);
  serviceCounter('fulcrum_service_ejections_capped_total', 'Passive ejections refused because maxEjectionPercent of the backends were ejected already.', (s) => s.ejectionsCapped);
  serviceCounter('fulcrum_service_bytes_in_total', 'Bytes received from clients.', (s) => s.bytesIn);
  serviceCounter('fulcrum_service_bytes_out_total', 'Bytes sent to clients.', (s) => s.bytesOut);
  serviceGauge('fulcrum_service_queue_length', 'Clients waiting for a free backend slot.', (s) => s.queued);
  serviceGauge('fulcrum_service_listening', '1 while the service listens on its address.', (s) => (s.listening ? 1 : 0));

  // Which relay moves the bytes (README "Node releases"): the socket relay is the slower fallback.
  new Gauge({
    name: 'fulcrum_relay_info',
    help: 'Always 1; the relay label names the relay that moves the bytes (native, or socket: net.Socket), fallback="1" when the native relay cannot run here.',
    labelNames: ['relay', 'fallback'],
    registers: [registry],
    collect() {
      this.reset();
      const relay = current().relay;
      if (relay !== undefined) this.set({ relay: relay.relay, fallback: relay.reason === null ? '0' : '1' }, 1);
    },
  });

  const node = opts.node;
  if (node) {
    const nodeGauge = (name: string, help: string, value: (n: NodeMetrics) => number | undefined, extra: (n: NodeMetrics) => Record<string, string> = () => ({})) =>
      new Gauge({
        name,
        help,
        labelNames: ['node', 'store'],
        registers: [registry],
        collect() {
          this.reset();
          const n = node();
          const v = value(n);
          if (v !== undefined) this.set({ node: n.name, ...extra(n) }, v);
        },
      });
    nodeGauge('fulcrum_node_info', 'Always 1; labels name this node and its store (sqlite or postgres).', () => 1, (n) => ({ store: n.store }));
    nodeGauge('fulcrum_config_version', 'The configuration version this node runs.', (n) => n.version);
    nodeGauge('fulcrum_config_apply_failed', '1 while the newest configuration version could not be applied on this node.', (n) => (n.applyFailed ? 1 : 0));
    nodeGauge('fulcrum_store_reachable', 'With a shared store: 1 while PostgreSQL can be reached.', (n) => (n.storeReachable === undefined ? undefined : n.storeReachable ? 1 : 0));
  }

  const history = opts.history;
  if (history) {
    const historyMetric = (kind: 'counter' | 'gauge', name: string, help: string, value: (h: HistoryMetrics) => number) => {
      const config = {
        name,
        help,
        registers: [registry],
        collect(this: { reset(): void; inc(v: number): void }) {
          this.reset();
          this.inc(value(history()));
        },
      };
      return kind === 'counter' ? new Counter(config) : new Gauge(config);
    };
    historyMetric('counter', 'fulcrum_history_buckets_written_total', 'Metric-history buckets written to history.db.', (h) => h.written);
    historyMetric('counter', 'fulcrum_history_buckets_dropped_total', 'Metric-history buckets dropped: the writer was behind (slow disk) or unavailable. Traffic is unaffected.', (h) => h.dropped);
    historyMetric('counter', 'fulcrum_history_write_failures_total', 'Metric-history buckets whose write failed.', (h) => h.failed);
    historyMetric('gauge', 'fulcrum_history_buckets_pending', 'Metric-history buckets handed to the writer thread and not yet written.', (h) => h.pending);
  }

  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  return {
    registry,
    contentType: registry.contentType,
    async render() {
      snapshot = opts.stats();
      try {
        return await registry.metrics();
      } finally {
        snapshot = undefined;
      }
    },
  };
}
