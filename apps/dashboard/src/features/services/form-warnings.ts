// Non-blocking warnings of the service form and the add-backend form: settings that are allowed
// but often a mistake. The form still saves; the operator reads why it might not do what they think.
import { parseAddress } from '@fulcrum/shared/address';
import { STRATEGIES, type StrategyName } from '@fulcrum/shared/strategies';

/** Stable codes, so tests and styles never depend on the wording. */
export type FormWarningCode = 'WEIGHTS_IGNORED' | 'SAME_ENDPOINT' | 'PRIVILEGED_PORT' | 'ALL_INTERFACES' | 'NO_IDLE_TIMEOUT';

/** One warning: its code and the sentence shown. */
export interface FormWarning {
  code: FormWarningCode;
  text: string;
}

/** A backend as the warnings need it. */
export interface WarnBackend {
  address: string;
  weight: number;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '0:0:0:0:0:0:0:1']);

/**
 * The endpoint an address reaches, as far as can be told without DNS: host lower-cased, and the
 * usual spellings of loopback as one (the admin's SAME_ENDPOINT warning resolves names too).
 */
export function endpointKey(address: string): string | null {
  const parsed = parseAddress(address.trim());
  if (!parsed.ok) return null;
  const host = parsed.value.host.toLowerCase().replace(/^\[|\]$/g, '');
  return `${LOOPBACK.has(host) ? 'loopback' : host}:${parsed.value.port}`;
}

function strategyLabel(strategy: StrategyName): string {
  return STRATEGIES.find((s) => s.name === strategy)?.label ?? strategy;
}

/** Weights other than 0 that differ, under a strategy that does not use them. */
export function weightsIgnored(strategy: StrategyName, backends: readonly WarnBackend[]): FormWarning | null {
  if (STRATEGIES.find((s) => s.name === strategy)?.honorsWeights !== false) return null;
  const weighted = backends.filter((b) => b.weight > 0);
  if (new Set(weighted.map((b) => b.weight)).size < 2) return null;
  const heaviest = weighted.reduce((a, b) => (b.weight > a.weight ? b : a));
  return {
    code: 'WEIGHTS_IGNORED',
    text: `${strategyLabel(strategy)} ignores weights: ${heaviest.address} (weight ${heaviest.weight}) gets no more connections than the others. Only weight 0 (no new connections) counts.`,
  };
}

/** Two backends (or a new one and an existing one) that reach the same endpoint. */
export function sameEndpoints(backends: readonly WarnBackend[]): FormWarning[] {
  const seen = new Map<string, string>();
  const warnings: FormWarning[] = [];
  for (const b of backends) {
    const key = endpointKey(b.address);
    if (key === null) continue;
    const other = seen.get(key);
    if (other !== undefined && other !== b.address) {
      warnings.push({ code: 'SAME_ENDPOINT', text: `${b.address} is the same endpoint as ${other}: it gets connections from both entries.` });
    } else seen.set(key, b.address);
  }
  return warnings;
}

/** The service form's warnings, from its fields as typed and the service's backends. */
export function serviceFormWarnings(values: { strategy: StrategyName; listen: string; idleTimeoutMs: string }, backends: readonly WarnBackend[]): FormWarning[] {
  const warnings: FormWarning[] = [];
  const listen = parseAddress(values.listen.trim());
  if (listen.ok) {
    const host = listen.value.host.replace(/^\[|\]$/g, '');
    if (host === '0.0.0.0' || host === '::' || host === '') {
      warnings.push({ code: 'ALL_INTERFACES', text: `Listening on every interface (${host || 'any'}): clients on every network this host is on can connect. Use allow/deny or a specific address if that is not intended.` });
    }
    if (listen.value.port > 0 && listen.value.port < 1024) {
      warnings.push({ code: 'PRIVILEGED_PORT', text: `Port ${listen.value.port} is privileged (below 1024): Fulcrum needs root or CAP_NET_BIND_SERVICE to listen there.` });
    }
  }
  if (values.idleTimeoutMs.trim() === '0') {
    warnings.push({ code: 'NO_IDLE_TIMEOUT', text: 'No idle timeout: a connection nobody uses stays open until a side closes it (fine for pools and subscribers; TCP keepalive still finds dead peers).' });
  }
  const weights = weightsIgnored(values.strategy, backends);
  if (weights) warnings.push(weights);
  warnings.push(...sameEndpoints(backends));
  return warnings;
}

/** The add-backend form's warnings: the new backend against the service's existing ones. */
export function addBackendWarnings(strategy: StrategyName, candidate: WarnBackend, existing: readonly WarnBackend[]): FormWarning[] {
  const warnings: FormWarning[] = [];
  const weights = weightsIgnored(strategy, [...existing, candidate]);
  if (weights && candidate.weight > 0 && existing.some((b) => b.weight > 0 && b.weight !== candidate.weight)) warnings.push(weights);
  const key = endpointKey(candidate.address);
  const twin = key === null ? undefined : existing.find((b) => b.address !== candidate.address.trim() && endpointKey(b.address) === key);
  if (twin) warnings.push({ code: 'SAME_ENDPOINT', text: `${candidate.address.trim()} is the same endpoint as ${twin.address}: it would get connections from both entries.` });
  return warnings;
}
