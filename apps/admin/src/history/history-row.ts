// One stored history point: a series (the service, or one of its backends) over one time slot.

/** backendId of the service's own series. */
export const SERVICE_SERIES = 0;

/** A point as recorded and stored: counts over the slot, means over the sampled part of it. */
export interface HistoryRow {
  serviceId: number;
  /** The backend, or SERVICE_SERIES for the service itself. */
  backendId: number;
  /** Start of the slot, ms since the epoch (a multiple of the slot length). */
  t: number;
  /** Milliseconds of the slot that were sampled (rates are per sampled second; 0 never stored). */
  span: number;
  /** Mean open connections. */
  active: number;
  /** Connections accepted (service) or sent to this backend. */
  newConns: number;
  bytesIn: number;
  bytesOut: number;
  /** Clients closed because no backend could take them (service series only). */
  rejected: number;
  /** Failed backend connects (the service: the sum over its backends). */
  failures: number;
  /** Mean backends up / down (a backend: the share of the slot it was up / down). */
  up: number;
  down: number;
}

/** One finished bucket: every series' point for the same slot. */
export interface HistoryBucket {
  t: number;
  rows: HistoryRow[];
}
