// The `limits` fields of the service form (README "How much one client may take: `limits`"):
// an empty limit field is off (null), numbers are checked against the ranges the admin accepts
// (@fulcrum/shared/limits), and the header's one-line summary.
import type { ClientLimitsDto, RateLimitDto } from '@fulcrum/shared/api';
import { CLIENT_LIMITS_DEFAULTS } from '@fulcrum/shared/defaults';
import { CLIENT_LIMITS, RATE_LIMITS } from '@fulcrum/shared/limits';
import { parseIntInRange } from '../../lib/limits.ts';

/** The text fields as typed; an empty connections field turns that limit off. */
export interface LimitsFormValues {
  limitPerClient: string;
  limitClientRate: string;
  limitClientRateMs: string;
  limitServiceRate: string;
  limitServiceRateMs: string;
  limitIpv6Prefix: string;
  limitTableSize: string;
}

export type LimitsParse = { ok: true; value: ClientLimitsDto } | { ok: false; field: keyof LimitsFormValues; reason: string };

const DEFAULT_INTERVAL = 1000;

/** The fields showing `l` (empty for a limit that is off; a 1 s interval offered for a new rate). */
export function toLimitsForm(l: ClientLimitsDto): LimitsFormValues {
  return {
    limitPerClient: l.perClientConnections === null ? '' : String(l.perClientConnections),
    limitClientRate: l.perClientRate === null ? '' : String(l.perClientRate.connections),
    limitClientRateMs: String(l.perClientRate?.intervalMs ?? DEFAULT_INTERVAL),
    limitServiceRate: l.serviceRate === null ? '' : String(l.serviceRate.connections),
    limitServiceRateMs: String(l.serviceRate?.intervalMs ?? DEFAULT_INTERVAL),
    limitIpv6Prefix: String(l.ipv6Prefix),
    limitTableSize: String(l.tableSize),
  };
}

type Step<T> = { ok: true; value: T } | { ok: false; field: keyof LimitsFormValues; reason: string };

function rate(values: LimitsFormValues, count: 'limitClientRate' | 'limitServiceRate', ms: 'limitClientRateMs' | 'limitServiceRateMs', label: string, periodLabel: string): Step<RateLimitDto | null> {
  if (values[count].trim() === '') return { ok: true, value: null };
  const connections = parseIntInRange(values[count], label, RATE_LIMITS.connections);
  if (!connections.ok) return { ok: false, field: count, reason: connections.reason };
  const intervalMs = parseIntInRange(values[ms], periodLabel, RATE_LIMITS.intervalMs);
  if (!intervalMs.ok) return { ok: false, field: ms, reason: intervalMs.reason };
  return { ok: true, value: { connections: connections.value, intervalMs: intervalMs.value } };
}

/** The limits the fields ask for, or the first field that is wrong and why. */
export function parseLimitsForm(values: LimitsFormValues): LimitsParse {
  let perClientConnections: number | null = null;
  if (values.limitPerClient.trim() !== '') {
    const n = parseIntInRange(values.limitPerClient, 'Connections per client', CLIENT_LIMITS.perClientConnections);
    if (!n.ok) return { ok: false, field: 'limitPerClient', reason: n.reason };
    perClientConnections = n.value;
  }
  const perClientRate = rate(values, 'limitClientRate', 'limitClientRateMs', 'New connections per client', 'Client rate period');
  if (!perClientRate.ok) return perClientRate;
  const serviceRate = rate(values, 'limitServiceRate', 'limitServiceRateMs', 'New connections of the service', 'Service rate period');
  if (!serviceRate.ok) return serviceRate;
  const prefix = parseIntInRange(values.limitIpv6Prefix, 'IPv6 prefix', CLIENT_LIMITS.ipv6Prefix);
  if (!prefix.ok) return { ok: false, field: 'limitIpv6Prefix', reason: prefix.reason };
  const size = parseIntInRange(values.limitTableSize, 'Client table size', CLIENT_LIMITS.tableSize);
  if (!size.ok) return { ok: false, field: 'limitTableSize', reason: size.reason };
  return { ok: true, value: { perClientConnections, perClientRate: perClientRate.value, serviceRate: serviceRate.value, ipv6Prefix: prefix.value, tableSize: size.value } };
}

/** The limits of valid fields, or the defaults (call only when validation passed). */
export function limitsOf(values: LimitsFormValues): ClientLimitsDto {
  const parsed = parseLimitsForm(values);
  return parsed.ok ? parsed.value : { ...CLIENT_LIMITS_DEFAULTS };
}

/** Same limits, field by field. */
export function sameLimits(a: ClientLimitsDto, b: ClientLimitsDto): boolean {
  const sameRate = (x: RateLimitDto | null, y: RateLimitDto | null) => (x === null || y === null ? x === y : x.connections === y.connections && x.intervalMs === y.intervalMs);
  return a.perClientConnections === b.perClientConnections && sameRate(a.perClientRate, b.perClientRate) && sameRate(a.serviceRate, b.serviceRate) && a.ipv6Prefix === b.ipv6Prefix && a.tableSize === b.tableSize;
}

/** The admin's `field` (lower-cased) → the form field it names. */
export const LIMITS_SERVER_FIELDS: Readonly<Record<string, keyof LimitsFormValues>> = {
  limits: 'limitPerClient',
  'limits.perclientconnections': 'limitPerClient',
  'limits.perclientrate': 'limitClientRate',
  'limits.perclientrate.connections': 'limitClientRate',
  'limits.perclientrate.intervalms': 'limitClientRateMs',
  'limits.servicerate': 'limitServiceRate',
  'limits.servicerate.connections': 'limitServiceRate',
  'limits.servicerate.intervalms': 'limitServiceRateMs',
  'limits.ipv6prefix': 'limitIpv6Prefix',
  'limits.tablesize': 'limitTableSize',
};

/** `100/s` for a 1 s interval, else `100 per 250 ms`. */
export function describeRate(r: RateLimitDto): string {
  return r.intervalMs === 1000 ? `${r.connections}/s` : `${r.connections} per ${r.intervalMs} ms`;
}

/** The header's line: "5 at once · 100/s per client · 2000/s service", or "none". */
export function limitsSummary(l: ClientLimitsDto): string {
  const parts: string[] = [];
  if (l.perClientConnections !== null) parts.push(`${l.perClientConnections} at once per client`);
  if (l.perClientRate !== null) parts.push(`${describeRate(l.perClientRate)} per client`);
  if (l.serviceRate !== null) parts.push(`${describeRate(l.serviceRate)} service`);
  return parts.length === 0 ? 'none' : parts.join(' · ');
}
