// Health of one service's backends: active probes on a jittered timer plus passive outlier
// detection fed by the data plane. State changes are reported through onChange.
//
// Rules (HAProxy-like):
// - A target starts 'unknown'. Its first successful probe makes it 'up' at once; `fall`
//   consecutive failures make it 'down' (from 'unknown' or 'up'); from 'down', `rise`
//   consecutive successes make it 'up' again — but never before a passive ejection period ends.
// - Passive: `passiveFailures` consecutive reportFailure() calls (0 = off) eject an 'unknown'
//   or 'up' target at once; reportSuccess() resets that count. Beside it the failure-rate detector
//   (outlier/failure-rate.ts) ejects a target when `passiveFailurePercent` % of its latest
//   `passiveWindow` outcomes failed. Ejection periods follow the flap back-off of
//   ejection-backoff.ts. Reports about a 'down' target are ignored. Either detector's ejection is
//   refused (onEjectionCapped, counted) while `maxEjectionPercent` of the targets are passively
//   ejected (outlier/ejection-cap.ts); a target counts as ejected from its ejection until it is up.
// - Type 'none': no probes; targets are 'up' at once and come back after an ejection period.
// - Probes connect to `checkPort` when it is set (a sidecar such as Patroni's REST API), else to
//   the target's own port; a changed check setting (role, login, port…) restarts the counts.
// - Scheduling: a new target's first probe starts within the first 20% of an interval (at most
//   2 s) so N targets are not probed in the same millisecond; afterwards the next probe starts
//   intervalMs ± 10% after the previous one finished, so at most one probe per target is in
//   flight and a hung backend costs one timeout per interval.
import type { BackendCheckDto } from '@fulcrum/shared/api';
import type { HealthCheckConfig, HealthState } from '../config.ts';
import { CheckRecord } from './check-record.ts';
import { nextEjectionMs } from './ejection-backoff.ts';
import type { PreviousEjection } from './ejection-backoff.ts';
import { probe } from './probe.ts';
import { OutcomeWindow, failureRateReason, failureRateTripped } from '../outlier/failure-rate.ts';
import { maxEjections, mayEject } from '../outlier/ejection-cap.ts';
import type { ProxyProtocolMode } from '@fulcrum/shared/enums';
import { checkHeader } from '../proxy-protocol/encode-header.ts';
import type { ProbeResult } from './probe-result.ts';

/** What a checker keys its targets by: the engine uses backend ids; the checker only compares them. */
export type TargetId = number | string;

/** A backend to watch; `id` is stable, host/port may change (the state then restarts). */
export interface HealthTarget<Id extends TargetId = TargetId> {
  readonly id: Id;
  readonly host: string;
  readonly port: number;
  /** The PROXY protocol the backend expects on its traffic port (absent = off): checks there send the header too. */
  readonly proxyProtocol?: ProxyProtocolMode;
}

/** Called synchronously after a target's state changed. Must not throw. */
export type HealthChangeListener<Id extends TargetId = TargetId> = (targetId: Id, from: HealthState, to: HealthState, reason: string) => void;

/** A passive ejection was refused by maxEjectionPercent: `ejected` of `total` targets are ejected, `allowed` may be. */
export type EjectionCappedListener<Id extends TargetId = TargetId> = (targetId: Id, reason: string, ejected: number, allowed: number, total: number) => void;

/** Construction options of a HealthChecker. */
export interface HealthCheckerOptions<Id extends TargetId = TargetId> {
  config: HealthCheckConfig;
  onChange: HealthChangeListener<Id>;
  /** Called when maxEjectionPercent refused a passive ejection. Must not throw. */
  onEjectionCapped?: EjectionCappedListener<Id>;
  /** Randomness for jitter (default Math.random). */
  random?: () => number;
  /** Clock in ms for ejection back-off (default performance.now). */
  now?: () => number;
}

const FIRST_PROBE_SPREAD = 0.2;
const MAX_FIRST_PROBE_DELAY_MS = 2000;
const JITTER = 0.1;
/** Settings that change what a probe does: a change restarts the rise/fall counts. */
const PROBE_FIELDS = [
  'type', 'timeoutMs', 'checkPort', 'httpMethod', 'httpPath', 'httpStatusMin', 'httpStatusMax', 'send', 'expect', 'expectRegex',
  'role', 'username', 'user', 'database', 'password',
] as const;

interface Entry<Id extends TargetId> {
  readonly id: Id;
  readonly host: string;
  readonly port: number;
  /** Updated in place by setTargets (a changed header is no new backend: its state stays). */
  proxyProtocol: ProxyProtocolMode;
  health: HealthState;
  okStreak: number;
  failStreak: number;
  passiveFails: number;
  /** Latest real-traffic outcomes, for the failure-rate detector. */
  readonly outcomes: OutcomeWindow;
  /** Ejected by passive detection and not up again since: counts against maxEjectionPercent. */
  passiveEjected: boolean;
  lastReason: string | undefined;
  lastLatencyMs: number | undefined;
  probeTimer: NodeJS.Timeout | undefined;
  inFlight: AbortController | undefined;
  /** Pending while the target serves a passive ejection period. */
  ejectionTimer: NodeJS.Timeout | undefined;
  lastEjection: PreviousEjection | undefined;
  /** What stats() shows an operator: reason, since, last probe. */
  readonly record: CheckRecord;
}

/** Active and passive health checking of one service's backends. */
export class HealthChecker<Id extends TargetId = TargetId> {
  #config: HealthCheckConfig;
  readonly #onChange: HealthChangeListener<Id>;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #entries = new Map<Id, Entry<Id>>();
  readonly #onEjectionCapped: EjectionCappedListener<Id> | undefined;
  /** Targets with passiveEjected set. */
  #ejected = 0;
  #ejectionsCapped = 0;
  #closed = false;

  constructor(opts: HealthCheckerOptions<Id>) {
    this.#config = { ...opts.config };
    this.#onChange = opts.onChange;
    this.#onEjectionCapped = opts.onEjectionCapped;
    this.#random = opts.random ?? Math.random;
    this.#now = opts.now ?? (() => performance.now());
  }

  /**
   * Makes `targets` the watched set: new ids start 'unknown' (or 'up' with type 'none'),
   * missing ids are dropped (their probes aborted, no event), kept ids keep their state unless
   * host or port changed — then they restart at 'unknown' (event reason 'address changed').
   */
  setTargets(targets: readonly HealthTarget<Id>[]): void {
    if (this.#closed) return;
    const wanted = new Map<Id, HealthTarget<Id>>();
    for (const target of targets) wanted.set(target.id, target);
    for (const entry of [...this.#entries.values()]) {
      if (!wanted.has(entry.id)) this.#drop(entry);
    }
    for (const target of wanted.values()) {
      const entry = this.#entries.get(target.id);
      if (entry !== undefined && entry.host === target.host && entry.port === target.port) {
        entry.proxyProtocol = target.proxyProtocol ?? 'off';
        continue;
      }
      let reason: string | undefined;
      if (entry !== undefined) {
        this.#drop(entry);
        reason = 'address changed';
        if (entry.health !== 'unknown') this.#onChange(entry.id, entry.health, 'unknown', reason);
      }
      this.#add(target, reason);
    }
  }

  /** Applies new settings, keeping every target's state; probes are rescheduled when timing or the check changed. */
  updateConfig(config: HealthCheckConfig): void {
    if (this.#closed) return;
    const previous = this.#config;
    this.#config = { ...config };
    const checkChanged = PROBE_FIELDS.some((field) => previous[field] !== config[field]);
    const intervalChanged = previous.intervalMs !== config.intervalMs;
    if (config.passiveFailures <= 0) for (const entry of this.#entries.values()) entry.passiveFails = 0;
    if (previous.passiveWindow !== config.passiveWindow) for (const entry of this.#entries.values()) entry.outcomes.resize(config.passiveWindow);
    else if (!(config.passiveFailurePercent > 0)) for (const entry of this.#entries.values()) entry.outcomes.clear();
    for (const entry of [...this.#entries.values()]) {
      if (config.type === 'none') {
        this.#stopProbing(entry);
        entry.okStreak = 0;
        entry.failStreak = 0;
        if (entry.health !== 'up' && entry.ejectionTimer === undefined) this.#transition(entry, 'up', 'checks disabled');
      } else if (checkChanged) {
        this.#stopProbing(entry);
        entry.okStreak = 0;
        entry.failStreak = 0;
        this.#schedule(entry, this.#firstDelay());
      } else if (intervalChanged && entry.inFlight === undefined) {
        this.#schedule(entry, this.#firstDelay());
      }
    }
  }

  /** Current state; 'unknown' for an id that is not watched. */
  state(id: Id): HealthState {
    return this.#entries.get(id)?.health ?? 'unknown';
  }

  /** Latency of the latest successful probe, in ms. */
  lastLatencyMs(id: Id): number | undefined {
    return this.#entries.get(id)?.lastLatencyMs;
  }

  /** Reason of the latest state change (`fall: 3 × connect refused`). */
  lastReason(id: Id): string | undefined {
    return this.#entries.get(id)?.lastReason;
  }

  /**
   * Health detail for stats(): null for an id that is not watched, or when nothing checks at all
   * (type 'none' without passive detection).
   */
  detail(id: Id): BackendCheckDto | null {
    const entry = this.#entries.get(id);
    if (entry === undefined || (this.#config.type === 'none' && !(this.#config.passiveFailures > 0))) return null;
    return entry.record.snapshot(entry.okStreak, entry.failStreak);
  }

  /** Period of the latest passive ejection in ms (0 if never ejected). */
  ejectionPeriodMs(id: Id): number {
    return this.#entries.get(id)?.lastEjection?.periodMs ?? 0;
  }

  /** Passive ejections refused by maxEjectionPercent so far. */
  get ejectionsCapped(): number {
    return this.#ejectionsCapped;
  }

  /**
   * A real connection to the target failed (connect refused/timeout, reset or closed before any
   * byte). Called once per connection verdict: allocates nothing unless it ejects.
   */
  reportFailure(id: Id, reason: string): void {
    const entry = this.#entries.get(id);
    if (this.#closed || entry === undefined) return;
    if (entry.health === 'down') {
      entry.passiveFails = 0;
      return;
    }
    const config = this.#config;
    const limit = config.passiveFailures;
    if (limit > 0) entry.passiveFails += 1;
    if (config.passiveFailurePercent > 0) entry.outcomes.record(true);
    if (limit > 0 && entry.passiveFails >= limit) this.#passiveEject(entry, `passive: ${limit} × ${reason}`);
    else if (failureRateTripped(entry.outcomes, config)) this.#passiveEject(entry, failureRateReason(entry.outcomes, config.passiveFailurePercent, reason));
  }

  /** A real connection to the target succeeded: the consecutive count restarts, the failure rate takes a success. */
  reportSuccess(id: Id): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    entry.passiveFails = 0;
    if (entry.health !== 'down' && this.#config.passiveFailurePercent > 0) entry.outcomes.record(false);
  }

  /**
   * A detector elsewhere (a worker process's failure-rate window) found the target an outlier:
   * eject it like one of ours, under the same cap. Ignored for a target that is down.
   */
  reportOutlier(id: Id, reason: string): void {
    const entry = this.#entries.get(id);
    if (this.#closed || entry === undefined || entry.health === 'down') return;
    this.#passiveEject(entry, reason);
  }

  /** Stops every timer and aborts in-flight probes (their sockets are destroyed). No events after this. */
  close(): void {
    this.#closed = true;
    for (const entry of this.#entries.values()) this.#stop(entry);
    this.#entries.clear();
  }

  #add(target: HealthTarget<Id>, reason: string | undefined): void {
    const entry: Entry<Id> = {
      id: target.id,
      host: target.host,
      port: target.port,
      proxyProtocol: target.proxyProtocol ?? 'off',
      health: 'unknown',
      okStreak: 0,
      failStreak: 0,
      passiveFails: 0,
      outcomes: new OutcomeWindow(this.#config.passiveWindow),
      passiveEjected: false,
      lastReason: reason,
      lastLatencyMs: undefined,
      probeTimer: undefined,
      inFlight: undefined,
      ejectionTimer: undefined,
      lastEjection: undefined,
      record: new CheckRecord(Date.now(), reason ?? null),
    };
    this.#entries.set(entry.id, entry);
    if (this.#config.type === 'none') this.#transition(entry, 'up', 'checks disabled');
    else this.#schedule(entry, this.#firstDelay());
  }

  #drop(entry: Entry<Id>): void {
    this.#stop(entry);
    if (entry.passiveEjected) this.#ejected--;
    entry.passiveEjected = false;
    this.#entries.delete(entry.id);
  }

  #stop(entry: Entry<Id>): void {
    this.#stopProbing(entry);
    if (entry.ejectionTimer !== undefined) clearTimeout(entry.ejectionTimer);
    entry.ejectionTimer = undefined;
  }

  #stopProbing(entry: Entry<Id>): void {
    if (entry.probeTimer !== undefined) clearTimeout(entry.probeTimer);
    entry.probeTimer = undefined;
    entry.inFlight?.abort();
    entry.inFlight = undefined;
  }

  #firstDelay(): number {
    return this.#random() * Math.min(this.#config.intervalMs * FIRST_PROBE_SPREAD, MAX_FIRST_PROBE_DELAY_MS);
  }

  #nextDelay(): number {
    return this.#config.intervalMs * (1 - JITTER + 2 * JITTER * this.#random());
  }

  #schedule(entry: Entry<Id>, delayMs: number): void {
    if (entry.probeTimer !== undefined) clearTimeout(entry.probeTimer);
    entry.probeTimer = setTimeout(() => this.#startProbe(entry), Math.max(0, delayMs));
    entry.probeTimer.unref();
  }

  #startProbe(entry: Entry<Id>): void {
    entry.probeTimer = undefined;
    if (this.#closed || entry.inFlight !== undefined || this.#entries.get(entry.id) !== entry) return;
    const controller = new AbortController();
    entry.inFlight = controller;
    // checkPort (e.g. a Patroni REST API beside the database) replaces the traffic port. Only the
    // traffic port gets the PROXY header (HAProxy's check-send-proxy): a separate check port is
    // usually another program. HAProxy's check header: v1 UNKNOWN, v2 LOCAL (no client to name).
    const separate = this.#config.checkPort > 0;
    const port = separate ? this.#config.checkPort : entry.port;
    const proxyHeader = separate || entry.proxyProtocol === 'off' ? undefined : checkHeader(entry.proxyProtocol);
    const started = performance.now();
    void probe({ host: entry.host, port, proxyHeader }, this.#config, controller.signal).then((result) => {
      // Aborted, replaced or closed meanwhile: the result belongs to nobody.
      if (entry.inFlight !== controller || this.#closed) return;
      entry.inFlight = undefined;
      // One clock reading: a transition this result causes is dated at the probe's end, never after it.
      const at = Date.now();
      entry.record.probed(result, performance.now() - started, at);
      this.#onProbeResult(entry, result, at);
      if (!this.#closed && this.#config.type !== 'none' && this.#entries.get(entry.id) === entry) this.#schedule(entry, this.#nextDelay());
    });
  }

  #onProbeResult(entry: Entry<Id>, result: ProbeResult, at: number): void {
    if (result.ok) {
      entry.lastLatencyMs = result.latencyMs;
      entry.failStreak = 0;
      entry.okStreak += 1;
      if (entry.health === 'unknown') this.#transition(entry, 'up', 'first check ok', at);
      else if (entry.health === 'down') this.#maybeRise(entry, at);
      return;
    }
    entry.okStreak = 0;
    entry.failStreak += 1;
    const fall = Math.max(1, this.#config.fall);
    if (entry.health !== 'down' && entry.failStreak >= fall) this.#transition(entry, 'down', `fall: ${fall} × ${result.reason}`, at);
  }

  #maybeRise(entry: Entry<Id>, at = Date.now()): void {
    const rise = Math.max(1, this.#config.rise);
    if (entry.ejectionTimer === undefined && entry.okStreak >= rise) this.#transition(entry, 'up', `rise: ${rise} × ok`, at);
  }

  /** A detector found the target an outlier: eject it, unless maxEjectionPercent says no. */
  #passiveEject(entry: Entry<Id>, reason: string): void {
    const total = this.#entries.size;
    const percent = this.#config.maxEjectionPercent;
    if (!mayEject(this.#ejected, total, percent)) {
      // Refused: the detection starts over, so each refusal is one full detection (not one per failure).
      entry.passiveFails = 0;
      entry.outcomes.clear();
      this.#ejectionsCapped++;
      this.#onEjectionCapped?.(entry.id, reason, this.#ejected, maxEjections(total, percent), total);
      return;
    }
    entry.passiveEjected = true;
    this.#ejected++;
    this.#eject(entry, reason);
  }

  #eject(entry: Entry<Id>, reason: string): void {
    const now = this.#now();
    const periodMs = nextEjectionMs(entry.lastEjection, now, this.#config.intervalMs);
    entry.lastEjection = { periodMs, endsAt: now + periodMs };
    entry.passiveFails = 0;
    entry.outcomes.clear();
    entry.okStreak = 0;
    if (entry.ejectionTimer !== undefined) clearTimeout(entry.ejectionTimer);
    entry.ejectionTimer = setTimeout(() => this.#endEjection(entry), periodMs);
    entry.ejectionTimer.unref();
    this.#transition(entry, 'down', reason);
  }

  #endEjection(entry: Entry<Id>): void {
    entry.ejectionTimer = undefined;
    if (this.#closed || entry.health !== 'down' || this.#entries.get(entry.id) !== entry) return;
    if (this.#config.type === 'none') this.#transition(entry, 'up', 'ejection period over');
    else this.#maybeRise(entry);
  }

  #transition(entry: Entry<Id>, to: HealthState, reason: string, at = Date.now()): void {
    const from = entry.health;
    if (from === to) return;
    entry.health = to;
    if (to !== 'down' && entry.passiveEjected) {
      entry.passiveEjected = false;
      this.#ejected--;
    }
    entry.lastReason = reason;
    entry.record.transitioned(reason, at);
    this.#onChange(entry.id, from, to, reason);
  }
}
