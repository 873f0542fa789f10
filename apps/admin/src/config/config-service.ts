// The consistency protocol. A change is committed to the store and live in the engine, or neither:
//   [shared store: lock the cluster version; if it is ahead, its configuration is written into
//   the local copy first] → BEGIN IMMEDIATE → sync repository writes → read the new config inside
//   the transaction → await engine.apply(new config) → [shared store: write the new version,
//   NOTIFY, COMMIT] → COMMIT → swap the committed snapshot → publish.
// Any throw before the commits rolls back both; apply() is atomic, so the engine is untouched, and
// if it had already applied the change it is given the previous configuration back. If the local
// COMMIT fails after the shared one, the change stands cluster-wide and the next catch-up brings
// the local copy to it.
// Changes are serialized by one mutex (and across nodes by the shared store's row lock). Because
// the transaction stays open on the store's only connection while apply() runs, every other write
// (engine events) and every read of tables a change writes (the event log) also goes through the
// mutex; GET routes for services read the in-memory committed snapshot, so they never see an
// uncommitted transaction.
import type { FastifyBaseLogger } from 'fastify';
import type { DataPlane } from '../data-plane/data-plane.ts';
import type { EventDto, ServiceDto } from '@fulcrum/shared/api';
import type { LiveMessage } from '@fulcrum/shared/live-protocol';
import type { Store } from '../store/store.ts';
import { toServiceDtos } from '../store/store.ts';
import type { EngineConfig } from '@fulcrum/engine';
import type { NewEvent } from '../store/events-repo.ts';
import type { AuditEventKind, DiscoveryEventKind, EngineEventKind, EventKind, LifecycleEventKind, ConnectionAuditKind } from '@fulcrum/shared/event-kinds';
import { localVersion, readReplicated, setLocalVersion, writeReplicated } from '../store/replica.ts';
import type { ReplicatedState } from '../store/replica.ts';
import { ApiError, fromEngineError } from '../http/api-error.ts';
import { Mutex } from './mutex.ts';
import type { ApplyFailure, SharedChange, SharedConfig } from './shared-config.ts';
import { toEngineConfig } from './to-engine-config.ts';
import type { MemberLookup } from './to-engine-config.ts';

/** An event as the admin records it: only the kinds listed in @fulcrum/shared/event-kinds. */
export type KnownEvent = NewEvent & { kind: EventKind };

/** An audit-log entry recorded by a change; written in the same transaction. */
export type AuditEntry = Omit<NewEvent, 'actor' | 'time'> & { kind: AuditEventKind };

/** What a change's write step can use: the store (inside the transaction) and the audit log. */
export interface ChangeContext {
  readonly store: Store;
  /** Records what changed. A change that records nothing is treated as a no-op and rolled back. */
  audit(entry: AuditEntry): void;
}

export interface ConfigServiceOptions {
  store: Store;
  engine: DataPlane;
  log: FastifyBaseLogger;
  /** Receives `config` and `event` messages after each commit. */
  publish: (message: LiveMessage) => void;
  /** The shared store, when this node is one of several (--store postgres://…). */
  shared?: SharedConfig;
  /** --listen-host: every service listens on this host on this node. */
  listenHost?: string;
  /** The current members of each discovery group (discovery/discovery.ts); none without. */
  members?: MemberLookup;
  /** Told the committed configuration after every commit (discovery follows its groups). */
  onCommitted?: (services: readonly ServiceDto[]) => void;
}

/** Owns the committed configuration and the only path that changes it. */
export class ConfigService {
  readonly #store: Store;
  readonly #engine: DataPlane;
  readonly #log: FastifyBaseLogger;
  readonly #publish: (message: LiveMessage) => void;
  readonly #shared: SharedConfig | undefined;
  readonly #listenHost: string | undefined;
  readonly #members: MemberLookup | undefined;
  readonly #onCommitted: (services: readonly ServiceDto[]) => void;
  readonly #mutex = new Mutex();
  #committed: ServiceDto[] = [];
  /** The engine snapshot of #committed, to restore the engine when a change fails after apply(). */
  #committedEngine: EngineConfig = { services: [] };
  #version = 0;
  #applyFailure: ApplyFailure | null = null;
  /** A hand-over to a successor process is under way: changes are refused (docs/UPGRADE.md). */
  #handingOver = false;

  constructor(opts: ConfigServiceOptions) {
    this.#store = opts.store;
    this.#engine = opts.engine;
    this.#log = opts.log;
    this.#publish = opts.publish;
    this.#shared = opts.shared;
    this.#listenHost = opts.listenHost;
    this.#members = opts.members;
    this.#onCommitted = opts.onCommitted ?? (() => {});
  }

  /** The committed configuration (what the engine runs), ordered by id. */
  get services(): readonly ServiceDto[] {
    return this.#committed;
  }

  /** The configuration version the engine runs (the cluster's, with a shared store). */
  get version(): number {
    return this.#version;
  }

  /** Why the newest shared version could not be applied here (null: it could). */
  get applyFailure(): ApplyFailure | null {
    return this.#applyFailure;
  }

  /** One committed service. */
  service(id: number): ServiceDto | undefined {
    return this.#committed.find((s) => s.id === id);
  }

  /** The stored configuration (inside or outside a transaction): as the API shows it, and as the engine runs it. */
  #read(): { services: ServiceDto[]; engine: EngineConfig } {
    const records = this.#store.readRecords();
    return { services: toServiceDtos(records), engine: toEngineConfig(records, this.#listenHost, this.#members) };
  }

  /** Loads the stored configuration (the local copy) and makes the engine run it (the store wins). */
  async start(): Promise<void> {
    await this.#mutex.run(async () => {
      const stored = this.#read();
      try {
        await this.#engine.apply(stored.engine);
      } catch (err) {
        throw fromEngineError(err);
      }
      this.#committed = stored.services;
      this.#committedEngine = stored.engine;
      this.#version = localVersion(this.#store.db);
      this.#onCommitted(this.#committed);
    });
  }

  /**
   * A discovery group's members changed (nothing stored changed): `swap` installs the new members
   * and returns their undo; the engine then runs the committed configuration with them. If the
   * engine refuses, the members are put back and the engine keeps what it ran.
   */
  refreshDiscovered(swap: () => () => void): Promise<void> {
    return this.#mutex.run(async () => {
      const undo = swap();
      const next = this.#read();
      try {
        await this.#engine.apply(next.engine);
      } catch (err) {
        undo();
        throw fromEngineError(err);
      }
      this.#committedEngine = next.engine;
    });
  }

  /**
   * Before a successor process reads the store: waits for the change in flight, then refuses
   * every change (503 UPGRADE_IN_PROGRESS) until resumeChanges() — the successor would never
   * see a change made here after it loaded the configuration.
   */
  pauseChanges(): Promise<void> {
    return this.#mutex.run(() => {
      this.#handingOver = true;
    });
  }

  /** The hand-over failed: this process stays in charge and takes changes again. */
  resumeChanges(): void {
    this.#handingOver = false;
  }

  /** Runs `task` with no config change in flight (for other store writes and event-log reads). */
  runExclusive<T>(task: () => T | Promise<T>): Promise<T> {
    return this.#mutex.run(task);
  }

  /** Records an event outside any config change (engine and discovery events, the admin's start, connection closes) and publishes it. */
  recordEvent(event: KnownEvent & { kind: EngineEventKind | DiscoveryEventKind | LifecycleEventKind | ConnectionAuditKind }): Promise<EventDto> {
    return this.#mutex.run(() => {
      const stored = this.#store.events.insert(event);
      this.#publish({ type: 'event', event: stored });
      return stored;
    });
  }

  /**
   * A change to admin data the engine does not run (API tokens): `write` and its audit rows in
   * one transaction (cluster-wide with a shared store), then the events are published.
   */
  recordChange<T>(actor: string, write: (ctx: ChangeContext) => T): Promise<T> {
    return this.#mutex.run(() => this.#change(actor, write, false));
  }

  /**
   * Applies one change. `write` runs synchronously inside the transaction and may throw an
   * ApiError (4xx). Resolves once the change is committed and live; rejects with nothing changed.
   */
  change<T>(actor: string, write: (ctx: ChangeContext) => T): Promise<T> {
    return this.#mutex.run(() => this.#change(actor, write, true));
  }

  /**
   * Brings this node to the shared store's newest version (after a NOTIFY, a periodic check or a
   * reconnect). A version the engine refuses is recorded as an apply failure and the node keeps
   * serving the last version it could apply; the next version is tried again.
   */
  catchUp(): Promise<void> {
    const shared = this.#shared;
    if (!shared) return Promise.resolve();
    return this.#mutex.run(async () => {
      // The successor follows the cluster now; two processes writing one local copy could regress it.
      if (this.#handingOver) return;
      const latest = await shared.latestVersion();
      const events = await shared.othersEvents();
      // Any other version, older ones too: PostgreSQL is the authority (e.g. restored from a backup).
      const state = latest !== this.#version && latest !== this.#applyFailure?.version ? await shared.read() : undefined;
      if (state && state.version !== this.#version) await this.#follow(state, events);
      else this.#recordOthersEvents(events);
    });
  }

  async #follow(state: ReplicatedState, events: readonly NewEvent[]): Promise<void> {
    const { db } = this.#store;
    db.exec('BEGIN IMMEDIATE');
    let next: { services: ServiceDto[]; engine: EngineConfig };
    let stored: EventDto[];
    try {
      writeReplicated(db, state);
      stored = events.map((e) => this.#store.events.insert(e));
      next = this.#read();
      await this.#engine.apply(next.engine);
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      const message = (fromEngineError(err) as Error).message;
      const first = this.#applyFailure?.version !== state.version;
      this.#applyFailure = { version: state.version, message };
      this.#log.error({ err }, `could not apply configuration version ${state.version}; still serving version ${this.#version}`);
      if (first) {
        const event = this.#store.events.insert({
          kind: 'apply-failed',
          actor: 'cluster',
          message: `this node could not apply configuration version ${state.version} and still serves version ${this.#version}: ${message}`,
          details: { version: state.version, servingVersion: this.#version },
        });
        this.#publish({ type: 'event', event });
      }
      return;
    }
    this.#applyFailure = null;
    this.#committed = next.services;
    this.#committedEngine = next.engine;
    this.#version = state.version;
    this.#onCommitted(this.#committed);
    this.#publish({ type: 'config', services: next.services, version: state.version });
    for (const event of stored) this.#publish({ type: 'event', event });
  }

  #recordOthersEvents(events: readonly NewEvent[]): void {
    if (events.length === 0) return;
    const stored = this.#store.db.transaction(() => events.map((e) => this.#store.events.insert(e))).immediate();
    for (const event of stored) this.#publish({ type: 'event', event });
  }

  async #beginShared(): Promise<SharedChange | undefined> {
    if (!this.#shared) return undefined;
    const change = await this.#shared.begin(this.#version);
    if (change.pending && change.pending.version === this.#applyFailure?.version) {
      await change.rollback();
      throw new ApiError(422, 'ENGINE_REJECTED', `this node cannot run the cluster's configuration version ${change.pending.version} (${this.#applyFailure.message}); make the change on another node or fix this one`);
    }
    return change;
  }

  async #change<T>(actor: string, write: (ctx: ChangeContext) => T, engineChange: boolean): Promise<T> {
    if (this.#handingOver) {
      throw new ApiError(503, 'UPGRADE_IN_PROGRESS', 'this fulcrum process is handing over to its successor (fulcrum upgrade); nothing was changed: retry in a moment');
    }
    const { db } = this.#store;
    const before = this.#committedEngine;
    const shared = await this.#beginShared();
    const audit: AuditEntry[] = [];
    let applied = false;
    let next: { services: ServiceDto[]; engine: EngineConfig };
    let result: T;
    let events: EventDto[];
    let version: number;
    db.exec('BEGIN IMMEDIATE');
    try {
      if (shared?.pending) writeReplicated(db, shared.pending);
      result = write({ store: this.#store, audit: (entry) => audit.push(entry) });
      if (result instanceof Promise) throw new TypeError('a config change must write synchronously');
      if (audit.length === 0 && !shared?.pending) {
        db.exec('ROLLBACK');
        await shared?.rollback();
        return result;
      }
      const time = new Date();
      events = audit.map((entry) => this.#store.events.insert({ ...entry, actor, time }));
      next = this.#read();
      if (engineChange || shared?.pending) {
        await this.#engine.apply(next.engine);
        applied = true;
      }
      version = (shared?.version ?? this.#version) + (audit.length > 0 ? 1 : 0);
      setLocalVersion(db, version);
      if (shared) {
        if (audit.length > 0) await shared.commit(readReplicated(db, version), events);
        else await shared.rollback();
      }
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      await shared?.rollback().catch(() => {});
      if (applied) await this.#restoreEngine(before);
      throw fromEngineError(err);
    }
    let copyVersion = version;
    try {
      db.exec('COMMIT');
    } catch (commitErr) {
      if (db.inTransaction) db.exec('ROLLBACK');
      if (shared) {
        // The change stands in the shared store and runs here; the local copy still holds the
        // version before it, so the next catch-up (within seconds) writes it there.
        copyVersion = shared.version;
        this.#log.error({ err: commitErr }, 'the local copy could not record a change the shared store committed; it will catch up');
      } else {
        this.#log.error({ err: commitErr }, 'config commit failed after the engine applied it; restoring the engine');
        if (applied) await this.#restoreEngine(before);
        throw new ApiError(500, 'INTERNAL', 'the change could not be saved; nothing was changed', undefined, { cause: commitErr });
      }
    }
    this.#applyFailure = null;
    this.#committed = next.services;
    this.#committedEngine = next.engine;
    this.#version = copyVersion;
    this.#onCommitted(this.#committed);
    if (engineChange || shared?.pending) this.#publish({ type: 'config', services: next.services, version });
    for (const event of events) this.#publish({ type: 'event', event });
    return result;
  }

  async #restoreEngine(config: EngineConfig): Promise<void> {
    try {
      await this.#engine.apply(config);
    } catch (restoreErr) {
      this.#log.fatal({ err: restoreErr }, 'could not restore the engine to the committed config: engine and store differ');
    }
  }
}
