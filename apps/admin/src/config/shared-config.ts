// The shared half of a configuration change when several nodes share one store (fleet/ holds the
// PostgreSQL implementation). The config service keeps the commit protocol; this is the part
// that takes the cluster-wide lock, brings the local copy up to date, and publishes the result.
import type { EventDto } from '@fulcrum/shared/api';
import type { NewEvent } from '../store/events-repo.ts';
import type { ReplicatedState } from '../store/replica.ts';

/** A cluster-wide change in progress: holds the shared store's lock until commit or rollback. */
export interface SharedChange {
  /** The shared store's configuration version when the lock was taken. */
  readonly version: number;
  /** The shared configuration, when it is newer than the local copy (write it before the change). */
  readonly pending: ReplicatedState | undefined;
  /** Stores `state` (version = this.version + 1) and its audit events, notifies every node, commits. */
  commit(state: ReplicatedState, events: readonly EventDto[]): Promise<void>;
  /** Releases the lock; nothing was changed. */
  rollback(): Promise<void>;
}

/** The shared store as the config service sees it. */
export interface SharedConfig {
  /** Locks the shared configuration for one change; rejects with 503 STORE_UNAVAILABLE when unreachable. */
  begin(localVersion: number): Promise<SharedChange>;
  /** The shared configuration's version (a cheap check before read()). */
  latestVersion(): Promise<number>;
  /** A consistent read of the shared configuration (no lock). */
  read(): Promise<ReplicatedState>;
  /** Audit events other nodes recorded since the last call, to copy into the local log. */
  othersEvents(): Promise<NewEvent[]>;
}

/** Why this node does not run the cluster's current version (null: it does). */
export interface ApplyFailure {
  version: number;
  message: string;
}
