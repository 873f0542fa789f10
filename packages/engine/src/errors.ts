// Every error the engine raises: one base class, subclasses with a stable `code`.
// Callers branch on `code`, never on the message.

/** Every code an EngineError carries (README "Engine error codes" lists each). */
export const ENGINE_ERROR_CODES = [
  'FULCRUM_INVALID_CONFIG',
  'FULCRUM_LISTEN_FAILED',
  'FULCRUM_ADDRESS_IN_USE',
  'FULCRUM_ENGINE_CLOSED',
  'FULCRUM_UNSUPPORTED_RUNTIME',
  'FULCRUM_NO_WORKER',
  'FULCRUM_WORKER_TIMEOUT',
  'FULCRUM_WORKER_EXITED',
  'FULCRUM_RELOAD_IN_PROGRESS',
  'FULCRUM_HANDOVER_UNSUPPORTED',
  'FULCRUM_INTERNAL',
] as const;

export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

/** Base class of engine errors. */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  /** The config field at fault, as a dotted path (`services[0].backends[1].port`). */
  readonly field: string | undefined;
  constructor(code: EngineErrorCode, message: string, field?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
    this.field = field;
  }
}

/** The snapshot handed to apply() is malformed; nothing was changed. */
export class InvalidConfigError extends EngineError {
  constructor(message: string, field: string) {
    super('FULCRUM_INVALID_CONFIG', message, field);
    this.name = 'InvalidConfigError';
  }
}

/** A service could not bind its listen address; nothing was changed. */
export class ListenError extends EngineError {
  readonly serviceId: number;
  constructor(serviceId: number, address: string, cause: NodeJS.ErrnoException) {
    const inUse = cause.code === 'EADDRINUSE';
    super(
      inUse ? 'FULCRUM_ADDRESS_IN_USE' : 'FULCRUM_LISTEN_FAILED',
      inUse ? `listen address ${address} is already in use` : `cannot listen on ${address}: ${cause.code ?? cause.message}`,
      'listen',
      { cause },
    );
    this.name = 'ListenError';
    this.serviceId = serviceId;
  }
}

/** The engine was closed; it accepts no new configuration. */
export class EngineClosedError extends EngineError {
  constructor() {
    super('FULCRUM_ENGINE_CLOSED', 'the engine is closed');
    this.name = 'EngineClosedError';
  }
}

/**
 * Engines in worker processes (the admin's ClusterEngine) could not carry out a change or a
 * start: no worker is live, one did not answer in time, or one exited meanwhile. Nothing was changed.
 */
export class WorkerUnavailableError extends EngineError {
  constructor(code: 'FULCRUM_NO_WORKER' | 'FULCRUM_WORKER_TIMEOUT' | 'FULCRUM_WORKER_EXITED', message: string) {
    super(code, message);
    this.name = 'WorkerUnavailableError';
  }
}
