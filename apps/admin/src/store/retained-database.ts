// better-sqlite3 connections whose native objects are never garbage-collected.
//
// Why: better-sqlite3 12 (the last release that runs on Node 20) builds its connections and
// statements on node::ObjectWrap, whose destructor on Node ≥ 24.19 removes an environment
// cleanup hook and asserts that a Node environment is current. A garbage collection triggered
// by an allocation inside V8's builtins runs with no current context, so finalizing any
// dropped statement or connection there aborts the process (`Assertion failed: (env) !=
// nullptr` in `Statement::~Statement`; WiseLibs/better-sqlite3#1515). So nothing created here
// ever becomes garbage: a connection prepares each SQL text once and keeps the statement, and
// every connection stays referenced, closed or not, until the process ends, when Node's own
// cleanup hooks free them with an environment current (measured safe at a normal exit,
// process.exit() and a worker thread's end). `.iterate()` and `.backup()` would create native
// objects that cannot be kept this way: the lint config forbids the first; the store uses neither.
import Database from 'better-sqlite3';
import type { Database as Db, Options, PragmaOptions, Statement } from 'better-sqlite3';

/**
 * Distinct SQL texts one connection may prepare. The store's SQL is fixed text with bound
 * values (a table or column name spliced in comes from a fixed list), so reaching this is a bug.
 */
export const STATEMENT_LIMIT = 1_000;

/** A connection was asked to prepare more distinct SQL texts than STATEMENT_LIMIT. */
export class StatementLimitError extends Error {
  readonly code = 'FULCRUM_STATEMENT_LIMIT';
  constructor() {
    super(`more than ${STATEMENT_LIMIT} distinct SQL texts prepared on one connection (is a value spliced into SQL?)`);
    this.name = 'StatementLimitError';
  }
}

// Every connection this process opened; never shrinks. A closed one keeps only small wrappers
// (its statements are finalized by close()); transaction()'s own statements, which
// better-sqlite3 caches per connection, live as long as it does.
const connections: Db[] = [];

class RetainedDatabase extends Database {
  readonly #statements = new Map<string, Statement<unknown[], unknown>>();

  /** The connection's one statement for `sql`, in its default row mode (objects). */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- better-sqlite3's own signature
  override prepare<P extends unknown[] | {} = unknown[], R = unknown>(sql: string): Statement<P, R> {
    let stmt = this.#statements.get(sql);
    if (stmt === undefined) {
      if (this.#statements.size >= STATEMENT_LIMIT) throw new StatementLimitError();
      stmt = super.prepare<unknown[], unknown>(sql);
      this.#statements.set(sql, stmt);
    } else if (stmt.reader) {
      // Shared by every caller of the same text: undo another caller's pluck()/expand()/raw().
      stmt.pluck(false).expand(false).raw(false);
    }
    return stmt as unknown as Statement<P, R>;
  }

  /** better-sqlite3's pragma(), over the retained statements (its own prepares a new one per call). */
  override pragma(source: string, options: PragmaOptions = {}): unknown {
    const stmt = this.prepare(`PRAGMA ${source}`);
    if (!stmt.reader) {
      stmt.run();
      return options.simple ? undefined : [];
    }
    return options.simple ? stmt.pluck().get() : stmt.all();
  }
}

/** Opens a better-sqlite3 connection that, with its statements, lives as long as the process. */
export function openDatabase(filename: string, options?: Options): Db {
  const db = new RetainedDatabase(filename, options);
  connections.push(db);
  return db;
}
