// The consistency protocol. A change is committed to SQLite and live in the engine, or neither:
//   BEGIN IMMEDIATE → sync repository writes → read the new config inside the transaction →
//   await engine.apply(new config) → COMMIT → swap the committed snapshot → publish.
// Any throw before COMMIT rolls back; apply() is atomic, so the engine is untouched. If COMMIT
// itself fails after a successful apply, the previous snapshot is re-applied and the caller gets 500.
// Changes are serialized by one mutex. Because the transaction stays open on the store's only
// connection while apply() runs, every other write (engine events) and every read of tables a
// change writes (the event log) also goes through the mutex; GET routes for services read the
// in-memory committed snapshot, so they never see an uncommitted transaction.
import type { FastifyBaseLogger } from 'fastify';
import type { DataPlane } from '../cluster/data-plane.ts';
import type { EventDto, ServiceDto } from '@fulcrum/shared/api';
import type { LiveMessage } from '@fulcrum/shared/live-protocol';
import type { Store } from '../store/store.ts';
import { toServiceDtos } from '../store/store.ts';
import type { EngineConfig } from '@fulcrum/engine';
import type { NewEvent } from '../store/events-repo.ts';
import type { AuditEventKind, EngineEventKind, EventKind } from '@fulcrum/shared/event-kinds';
import { ApiError, fromEngineError } from '../api-error.ts';
import { Mutex } from './mutex.ts';
import { toEngineConfig } from './to-engine-config.ts';

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
}

/** Owns the committed configuration and the only path that changes it. */
export class ConfigService {
  readonly #store: Store;
  readonly #engine: DataPlane;
  readonly #log: FastifyBaseLogger;
  readonly #publish: (message: LiveMessage) => void;
  readonly #mutex = new Mutex();
  #committed: ServiceDto[] = [];
  /** The engine snapshot of #committed, to restore the engine when a commit fails. */
  #committedEngine: EngineConfig = { services: [] };

  constructor(opts: ConfigServiceOptions) {
    this.#store = opts.store;
    this.#engine = opts.engine;
    this.#log = opts.log;
    this.#publish = opts.publish;
  }

  /** The committed configuration (what the engine runs), ordered by id. */
  get services(): readonly ServiceDto[] {
    return this.#committed;
  }

  /** One committed service. */
  service(id: number): ServiceDto | undefined {
    return this.#committed.find((s) => s.id === id);
  }

  /** Loads the stored configuration and makes the engine run it (the store wins). */
  async start(): Promise<void> {
    await this.#mutex.run(async () => {
      const records = this.#store.readRecords();
      const engineConfig = toEngineConfig(records);
      try {
        await this.#engine.apply(engineConfig);
      } catch (err) {
        throw fromEngineError(err);
      }
      this.#committed = toServiceDtos(records);
      this.#committedEngine = engineConfig;
    });
  }

  /** Runs `task` with no config change in flight (for other store writes and event-log reads). */
  runExclusive<T>(task: () => T | Promise<T>): Promise<T> {
    return this.#mutex.run(task);
  }

  /** Records an event outside any change (engine events) and publishes it. */
  recordEvent(event: KnownEvent & { kind: EngineEventKind }): Promise<EventDto> {
    return this.#mutex.run(() => {
      const stored = this.#store.events.insert(event);
      this.#publish({ type: 'event', event: stored });
      return stored;
    });
  }

  /**
   * A change to admin data the engine does not run (API tokens): `write` and its audit rows in
   * one transaction, then the events are published. No engine apply.
   */
  recordChange<T>(actor: string, write: (ctx: ChangeContext) => T): Promise<T> {
    return this.#mutex.run(() => {
      const audit: AuditEntry[] = [];
      const time = new Date();
      const run = this.#store.db.transaction(() => {
        const result = write({ store: this.#store, audit: (entry) => audit.push(entry) });
        const events = audit.map((entry) => this.#store.events.insert({ ...entry, actor, time }));
        return { result, events };
      });
      const { result, events } = run.immediate();
      for (const event of events) this.#publish({ type: 'event', event });
      return result;
    });
  }

  /**
   * Applies one change. `write` runs synchronously inside the transaction and may throw an
   * ApiError (4xx). Resolves once the change is committed and live; rejects with nothing changed.
   */
  change<T>(actor: string, write: (ctx: ChangeContext) => T): Promise<T> {
    return this.#mutex.run(() => this.#change(actor, write));
  }

  async #change<T>(actor: string, write: (ctx: ChangeContext) => T): Promise<T> {
    const { db } = this.#store;
    const before = this.#committedEngine;
    const audit: AuditEntry[] = [];
    db.exec('BEGIN IMMEDIATE');
    let next: ServiceDto[];
    let nextEngine: EngineConfig;
    let result: T;
    let events: EventDto[];
    try {
      result = write({ store: this.#store, audit: (entry) => audit.push(entry) });
      if (result instanceof Promise) throw new TypeError('a config change must write synchronously');
      if (audit.length === 0) {
        db.exec('ROLLBACK');
        return result;
      }
      const time = new Date();
      events = audit.map((entry) => this.#store.events.insert({ ...entry, actor, time }));
      const records = this.#store.readRecords();
      next = toServiceDtos(records);
      nextEngine = toEngineConfig(records);
      await this.#engine.apply(nextEngine);
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw fromEngineError(err);
    }
    try {
      db.exec('COMMIT');
    } catch (commitErr) {
      if (db.inTransaction) db.exec('ROLLBACK');
      this.#log.error({ err: commitErr }, 'config commit failed after the engine applied it; restoring the engine');
      try {
        await this.#engine.apply(before);
      } catch (restoreErr) {
        this.#log.fatal({ err: restoreErr }, 'could not restore the engine to the committed config: engine and store differ');
      }
      throw new ApiError(500, 'INTERNAL', 'the change could not be saved; nothing was changed', undefined, { cause: commitErr });
    }
    this.#committed = next;
    this.#committedEngine = nextEngine;
    this.#publish({ type: 'config', services: next });
    for (const event of events) this.#publish({ type: 'event', event });
    return result;
  }
}
