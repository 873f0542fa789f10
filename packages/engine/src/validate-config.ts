// Structural validation of a config snapshot, before anything is touched. The admin
// validates API input with schemas first; this guards the engine's own invariants.
import type { EngineConfig, HealthCheckConfig } from './config.ts';
import { InvalidConfigError } from './errors.ts';
import { isStrategyName } from '@fulcrum/shared/strategies';

const CHECK_TYPES = new Set(['none', 'tcp', 'redis', 'postgres', 'http', 'send-expect']);
const ADMIN_STATES = new Set(['enabled', 'disabled', 'draining']);

function intIn(value: unknown, min: number, max: number, field: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidConfigError(`${field} must be an integer in ${min}..${max}`, field);
  }
}

function host(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253) throw new InvalidConfigError(`${field} must be a host name or IP`, field);
}

function checkHealth(h: HealthCheckConfig, at: string): void {
  if (!CHECK_TYPES.has(h.type)) throw new InvalidConfigError(`${at}.type: unknown health check type "${String(h.type)}"`, `${at}.type`);
  intIn(h.intervalMs, 1, 86_400_000, `${at}.intervalMs`);
  intIn(h.timeoutMs, 1, 86_400_000, `${at}.timeoutMs`);
  intIn(h.rise, 1, 100, `${at}.rise`);
  intIn(h.fall, 1, 100, `${at}.fall`);
  intIn(h.passiveFailures, 0, 100, `${at}.passiveFailures`);
  intIn(h.slowStartMs, 0, 86_400_000, `${at}.slowStartMs`);
  intIn(h.httpStatusMin, 100, 599, `${at}.httpStatusMin`);
  intIn(h.httpStatusMax, h.httpStatusMin, 599, `${at}.httpStatusMax`);
  if (h.type === 'send-expect' && h.expectRegex) {
    try {
      new RegExp(h.expect);
    } catch {
      throw new InvalidConfigError(`${at}.expect is not a valid regular expression`, `${at}.expect`);
    }
  }
}

/** Checks a snapshot before anything is touched; throws InvalidConfigError naming the field. */
export function validateConfig(config: EngineConfig): void {
  if (config === null || typeof config !== 'object' || !Array.isArray(config.services)) {
    throw new InvalidConfigError('config.services must be an array', 'services');
  }
  const ids = new Set<string>();
  const listens = new Set<string>();
  config.services.forEach((s, i) => {
    const at = `services[${i}]`;
    if (typeof s.id !== 'string' || s.id === '' || ids.has(s.id)) throw new InvalidConfigError(`${at}.id must be a unique non-empty string`, `${at}.id`);
    ids.add(s.id);
    host(s.host, `${at}.host`);
    intIn(s.port, 0, 65535, `${at}.port`);
    const listenKey = `${s.host}:${s.port}`;
    if (s.port !== 0 && listens.has(listenKey)) throw new InvalidConfigError(`${at}: two services listen on ${listenKey}`, `${at}.port`);
    listens.add(listenKey);
    if (!isStrategyName(s.strategy)) throw new InvalidConfigError(`${at}.strategy: unknown strategy "${String(s.strategy)}"`, `${at}.strategy`);
    const f = s.strategyOptions?.boundedLoadFactor;
    if (f !== undefined && (typeof f !== 'number' || !(f === 0 || (f >= 1 && f <= 10)))) {
      throw new InvalidConfigError(`${at}.strategyOptions.boundedLoadFactor must be 0 or in 1..10`, `${at}.strategyOptions.boundedLoadFactor`);
    }
    intIn(s.connectTimeoutMs, 1, 3_600_000, `${at}.connectTimeoutMs`);
    intIn(s.idleTimeoutMs, 0, 86_400_000 * 7, `${at}.idleTimeoutMs`);
    intIn(s.retries, 0, 100, `${at}.retries`);
    intIn(s.drainTimeoutMs, 0, 86_400_000, `${at}.drainTimeoutMs`);
    intIn(s.maxQueue, 0, 1_000_000, `${at}.maxQueue`);
    intIn(s.queueTimeoutMs, 1, 3_600_000, `${at}.queueTimeoutMs`);
    checkHealth(s.healthCheck, `${at}.healthCheck`);
    if (!Array.isArray(s.backends)) throw new InvalidConfigError(`${at}.backends must be an array`, `${at}.backends`);
    const bids = new Set<string>();
    const addrs = new Set<string>();
    s.backends.forEach((b, j) => {
      const bat = `${at}.backends[${j}]`;
      if (typeof b.id !== 'string' || b.id === '' || bids.has(b.id)) throw new InvalidConfigError(`${bat}.id must be a unique non-empty string`, `${bat}.id`);
      bids.add(b.id);
      host(b.host, `${bat}.host`);
      intIn(b.port, 1, 65535, `${bat}.port`);
      const key = `${b.host}:${b.port}`;
      if (addrs.has(key)) throw new InvalidConfigError(`${bat}: duplicate backend ${key}`, `${bat}.port`);
      addrs.add(key);
      intIn(b.weight, 0, 1000, `${bat}.weight`);
      intIn(b.maxConnections, 0, 10_000_000, `${bat}.maxConnections`);
      if (!ADMIN_STATES.has(b.state)) throw new InvalidConfigError(`${bat}.state must be enabled, disabled or draining`, `${bat}.state`);
      if (typeof b.backup !== 'boolean') throw new InvalidConfigError(`${bat}.backup must be a boolean`, `${bat}.backup`);
    });
  });
}
