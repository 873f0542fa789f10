// The create/edit service form as plain data: text fields in, a validated API body out, and
// server errors mapped back to the field they name.
import type { HealthCheckType, ServiceDto } from '@fulcrum/shared/api';
import { parseAddress } from '@fulcrum/shared/address';
import { HEALTH_CHECK_DEFAULTS, SERVICE_DEFAULTS } from '@fulcrum/shared/defaults';
import { SERVICE_NAME } from '@fulcrum/shared/limits';
import { isStrategyName, type StrategyName } from '@fulcrum/shared/strategies';
import { LIMITS, parseIntInRange, type IntRange } from '../../lib/limits.ts';
import type { ServiceCreate, ServicePatch } from './services-api.ts';
import { roleBody, toRoleForm, validateRoleForm, type RoleFormValues, type RoleSettings } from './health-check-role-form.ts';
import { toPublicHealthCheck } from '@fulcrum/shared/health-check-secrets';
import { PASSIVE_SERVER_FIELDS, passiveBody, toPassiveForm, validatePassiveForm, type PassiveFormValues, type PassiveSettings } from './passive-detection-form.ts';
import { parseAgentForm, sameAgentCheck, toAgentForm, type AgentFormValues } from './agent-check-form.ts';
import { checkListText, listToText, textToList } from './client-lists.ts';
import { acceptProxyOf, checkProxyForm, toProxyForm, type ProxyFormValues } from './proxy-protocol-form.ts';
import { LIMITS_SERVER_FIELDS, limitsOf, parseLimitsForm, sameLimits, toLimitsForm, type LimitsFormValues } from './client-limits-form.ts';
import { EXTRAS_SERVER_FIELDS, extrasHealthBody, strategyOptionsBody, toExtrasForm, validateExtrasForm, type ExtrasFormValues, type ExtrasSettings } from './service-extras-form.ts';
import { checkSniText, sniToText, textToSni } from './sni-names.ts';

const NAME = new RegExp(SERVICE_NAME.pattern);

export interface ServiceFormValues extends RoleFormValues, PassiveFormValues, AgentFormValues, ProxyFormValues, LimitsFormValues, ExtrasFormValues {
  name: string;
  listen: string;
  strategy: StrategyName;
  connectTimeoutMs: string;
  idleTimeoutMs: string;
  drainTimeoutMs: string;
  retries: string;
  maxQueue: string;
  queueTimeoutMs: string;
  /** 0 = off (README "Connection lifetime and rebalance"). */
  maxConnectionLifetimeMs: string;
  /** One CIDR per line (client-lists.ts). */
  allow: string;
  deny: string;
  /** TLS server names, one per line (sni-names.ts); empty = no SNI routing. */
  sni: string;
  hcType: HealthCheckType;
  hcIntervalMs: string;
  hcTimeoutMs: string;
  hcRise: string;
  hcFall: string;
  hcHttpPath: string;
  hcSend: string;
  hcExpect: string;
}

export type ServiceFormField = keyof ServiceFormValues;
export type ServiceFormErrors = Partial<Record<ServiceFormField | 'form', string>>;

/** The settings a form shows: a service's own, or the server's defaults for a new one. */
type FormSettings = Pick<ServiceDto, 'strategy' | 'strategyOptions' | 'connectTimeoutMs' | 'idleTimeoutMs' | 'drainTimeoutMs' | 'retries' | 'maxQueue' | 'queueTimeoutMs' | 'maxConnectionLifetimeMs' | 'agentCheck' | 'allow' | 'deny' | 'proxyProtocol' | 'acceptProxyProtocol' | 'limits' | 'sni'> & {
  healthCheck: Pick<ServiceDto['healthCheck'], 'type' | 'intervalMs' | 'timeoutMs' | 'rise' | 'fall' | 'httpPath' | 'send' | 'expect'> & RoleSettings & PassiveSettings & ExtrasSettings;
};

function toForm(name: string, listen: string, s: FormSettings): ServiceFormValues {
  const hc = s.healthCheck;
  return {
    name,
    listen,
    strategy: s.strategy,
    connectTimeoutMs: String(s.connectTimeoutMs),
    idleTimeoutMs: String(s.idleTimeoutMs),
    drainTimeoutMs: String(s.drainTimeoutMs),
    retries: String(s.retries),
    maxQueue: String(s.maxQueue),
    queueTimeoutMs: String(s.queueTimeoutMs),
    maxConnectionLifetimeMs: String(s.maxConnectionLifetimeMs),
    allow: listToText(s.allow),
    deny: listToText(s.deny),
    sni: sniToText(s.sni),
    hcType: hc.type,
    hcIntervalMs: String(hc.intervalMs),
    hcTimeoutMs: String(hc.timeoutMs),
    hcRise: String(hc.rise),
    hcFall: String(hc.fall),
    hcHttpPath: hc.httpPath,
    hcSend: hc.send,
    hcExpect: hc.expect,
    ...toRoleForm(hc),
    ...toPassiveForm(hc),
    ...toAgentForm(s.agentCheck),
    ...toProxyForm(s),
    ...toLimitsForm(s.limits),
    ...toExtrasForm(hc, s.strategyOptions),
  };
}

/** A new service's form: the server's defaults (@fulcrum/shared/defaults), no name or address yet. */
export function emptyServiceForm(): ServiceFormValues {
  return toForm('', '', { ...SERVICE_DEFAULTS, healthCheck: toPublicHealthCheck(HEALTH_CHECK_DEFAULTS) });
}

/** The form of an existing service. */
export function serviceToForm(service: ServiceDto): ServiceFormValues {
  return toForm(service.name, service.listen, service);
}

/** Every numeric field with its label in messages and the admin's range for it. */
const INTEGER_FIELDS: Array<[Exclude<ServiceFormField, 'hcPasswordSet' | 'hcCloseOnDown' | 'hcExpectRegex'>, string, IntRange]> = [
  ['connectTimeoutMs', 'Connect timeout', LIMITS.connectTimeoutMs],
  ['idleTimeoutMs', 'Idle timeout', LIMITS.idleTimeoutMs],
  ['drainTimeoutMs', 'Drain timeout', LIMITS.drainTimeoutMs],
  ['retries', 'Retries', LIMITS.retries],
  ['maxQueue', 'Max queue', LIMITS.maxQueue],
  ['queueTimeoutMs', 'Queue timeout', LIMITS.queueTimeoutMs],
  ['maxConnectionLifetimeMs', 'Max connection lifetime', LIMITS.maxConnectionLifetimeMs],
  ['hcIntervalMs', 'Interval', LIMITS.hcIntervalMs],
  ['hcTimeoutMs', 'Timeout', LIMITS.hcTimeoutMs],
  ['hcRise', 'Rise', LIMITS.hcRise],
  ['hcFall', 'Fall', LIMITS.hcFall],
];

/** Client-side checks; the server validates again and has the last word. */
export function validateServiceForm(values: ServiceFormValues, others: readonly ServiceDto[] = []): ServiceFormErrors {
  const errors: ServiceFormErrors = {};
  const name = values.name.trim();
  if (!name) errors.name = 'Name is required.';
  else if (!NAME.test(name) || name.length > SERVICE_NAME.maxLength) errors.name = `Use letters, digits, ".", "_" or "-" (up to ${SERVICE_NAME.maxLength}).`;
  else if (others.some((s) => s.name === name)) errors.name = `A service named "${name}" already exists.`;
  const listen = parseAddress(values.listen.trim());
  if (!listen.ok) errors.listen = `Listen address ${listen.reason}.`;
  // Services share an address with TLS SNI routing: when one of them names sni, the server checks the names.
  else if (textToSni(values.sni) === null && others.some((s) => s.listen === values.listen.trim() && s.sni === null)) errors.listen = 'Another service already listens there (name SNI server names to share the address).';
  if (!isStrategyName(values.strategy)) errors.strategy = 'Pick a strategy.';
  const checked = values.hcType === 'none' ? INTEGER_FIELDS.filter(([f]) => !f.startsWith('hc')) : INTEGER_FIELDS;
  for (const [field, label, range] of checked) {
    const parsed = parseIntInRange(values[field], label, range);
    if (!parsed.ok) errors[field] = parsed.reason;
  }
  for (const field of ['allow', 'deny'] as const) {
    const problem = checkListText(values[field]);
    if (problem) errors[field] = problem;
  }
  const proxyProblem = checkProxyForm(values);
  if (proxyProblem) errors.acceptProxyFrom = proxyProblem;
  const sniProblem = checkSniText(values.sni);
  if (sniProblem) errors.sni = sniProblem;
  if (values.hcType === 'http' && !values.hcHttpPath.startsWith('/')) errors.hcHttpPath = 'Path must start with "/".';
  if (values.hcType === 'send-expect' && !values.hcExpect) errors.hcExpect = 'Say what the reply must contain.';
  if (values.hcType !== 'none') Object.assign(errors, validateRoleForm(values, values.hcType));
  // Passive detection judges real connections: it applies with checks off too.
  Object.assign(errors, validatePassiveForm(values));
  const agent = parseAgentForm(values);
  if (!agent.ok) errors[agent.field] = agent.reason;
  const limits = parseLimitsForm(values);
  if (!limits.ok) errors[limits.field] = limits.reason;
  Object.assign(errors, validateExtrasForm(values, values.hcType, values.strategy));
  return errors;
}

function num(text: string): number {
  return Number(text.trim());
}

/** The full body for POST /api/services (call only when validation passed). */
export function toCreateBody(values: ServiceFormValues): ServiceCreate {
  const healthCheck: ServiceCreate['healthCheck'] = { type: values.hcType };
  if (values.hcType !== 'none') {
    Object.assign(healthCheck, {
      intervalMs: num(values.hcIntervalMs),
      timeoutMs: num(values.hcTimeoutMs),
      rise: num(values.hcRise),
      fall: num(values.hcFall),
    });
    if (values.hcType === 'http') healthCheck.httpPath = values.hcHttpPath;
    if (values.hcType === 'send-expect') Object.assign(healthCheck, { send: values.hcSend, expect: values.hcExpect });
    Object.assign(healthCheck, roleBody(values, values.hcType));
  }
  Object.assign(healthCheck, passiveBody(values), extrasHealthBody(values, values.hcType));
  return {
    name: values.name.trim(),
    listen: values.listen.trim(),
    strategy: values.strategy,
    strategyOptions: strategyOptionsBody(values, values.strategy),
    connectTimeoutMs: num(values.connectTimeoutMs),
    idleTimeoutMs: num(values.idleTimeoutMs),
    drainTimeoutMs: num(values.drainTimeoutMs),
    retries: num(values.retries),
    maxQueue: num(values.maxQueue),
    queueTimeoutMs: num(values.queueTimeoutMs),
    maxConnectionLifetimeMs: num(values.maxConnectionLifetimeMs),
    agentCheck: agentCheckOf(values),
    allow: textToList(values.allow),
    deny: textToList(values.deny),
    proxyProtocol: values.proxyProtocol,
    acceptProxyProtocol: acceptProxyOf(values),
    limits: limitsOf(values),
    sni: textToSni(values.sni),
    healthCheck,
  };
}

/** The agent check the form asks for (call only when validation passed). */
function agentCheckOf(values: ServiceFormValues): ServiceDto['agentCheck'] {
  const parsed = parseAgentForm(values);
  return parsed.ok ? parsed.value : null;
}

/** Only what changed, for PATCH /api/services/:id; empty when nothing did. */
export function toPatchBody(values: ServiceFormValues, original: ServiceDto): ServicePatch {
  const next = toCreateBody(values);
  const patch: ServicePatch = {};
  if (next.name !== original.name) patch.name = next.name;
  if (next.listen !== original.listen) patch.listen = next.listen;
  if (next.strategy !== original.strategy) patch.strategy = next.strategy;
  const options = strategyOptionsBody(values, next.strategy, original.strategyOptions);
  if (JSON.stringify(options) !== JSON.stringify(original.strategyOptions)) patch.strategyOptions = options;
  for (const key of ['connectTimeoutMs', 'idleTimeoutMs', 'drainTimeoutMs', 'retries', 'maxQueue', 'queueTimeoutMs', 'maxConnectionLifetimeMs'] as const) {
    if (next[key] !== original[key]) patch[key] = next[key];
  }
  if (!sameAgentCheck(next.agentCheck ?? null, original.agentCheck)) patch.agentCheck = next.agentCheck ?? null;
  for (const key of ['allow', 'deny'] as const) {
    const list = next[key] ?? [];
    if (JSON.stringify(list) !== JSON.stringify(original[key])) patch[key] = list;
  }
  if (next.proxyProtocol !== original.proxyProtocol) patch.proxyProtocol = next.proxyProtocol;
  const accept = next.acceptProxyProtocol ?? null;
  if (JSON.stringify(accept) !== JSON.stringify(original.acceptProxyProtocol)) patch.acceptProxyProtocol = accept;
  const limits = next.limits ?? original.limits;
  if (!sameLimits(limits, original.limits)) patch.limits = limits;
  const sni = next.sni ?? null;
  if (JSON.stringify(sni) !== JSON.stringify(original.sni)) patch.sni = sni;
  const hc: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next.healthCheck ?? {})) {
    if (original.healthCheck[key as keyof typeof original.healthCheck] !== value) hc[key] = value;
  }
  if (Object.keys(hc).length > 0) patch.healthCheck = hc;
  return patch;
}

const SERVER_FIELD: Record<string, ServiceFormField> = {
  name: 'name',
  listen: 'listen',
  strategy: 'strategy',
  connecttimeoutms: 'connectTimeoutMs',
  idletimeoutms: 'idleTimeoutMs',
  draintimeoutms: 'drainTimeoutMs',
  retries: 'retries',
  maxqueue: 'maxQueue',
  queuetimeoutms: 'queueTimeoutMs',
  maxconnectionlifetimems: 'maxConnectionLifetimeMs',
  allow: 'allow',
  deny: 'deny',
  proxyprotocol: 'proxyProtocol',
  acceptproxyprotocol: 'acceptProxyFrom',
  'acceptproxyprotocol.from': 'acceptProxyFrom',
  sni: 'sni',
  'healthcheck.type': 'hcType',
  'healthcheck.intervalms': 'hcIntervalMs',
  'healthcheck.timeoutms': 'hcTimeoutMs',
  'healthcheck.rise': 'hcRise',
  'healthcheck.fall': 'hcFall',
  'healthcheck.httppath': 'hcHttpPath',
  'healthcheck.send': 'hcSend',
  'healthcheck.expect': 'hcExpect',
  'healthcheck.checkport': 'hcCheckPort',
  'healthcheck.httpmethod': 'hcHttpMethod',
  'healthcheck.role': 'hcRole',
  'healthcheck.username': 'hcUsername',
  'healthcheck.user': 'hcUser',
  'healthcheck.database': 'hcDatabase',
  'healthcheck.password': 'hcPassword',
  ...PASSIVE_SERVER_FIELDS,
  ...EXTRAS_SERVER_FIELDS,
  agentcheck: 'agentPort',
  'agentcheck.port': 'agentPort',
  'agentcheck.intervalms': 'agentIntervalMs',
  ...LIMITS_SERVER_FIELDS,
};

/**
 * Maps the server's `field` ("listen", "healthCheck.intervalMs", "/healthCheck/intervalMs",
 * "body.listen") to a form field, or 'form' when it names nothing on the form.
 */
export function formFieldForServerField(field: string | undefined): ServiceFormField | 'form' {
  if (!field) return 'form';
  const key = field
    .replace(/^\/+/, '')
    .replace(/\//g, '.')
    .replace(/^body\./, '')
    .replace(/^(allow|deny|sni|acceptProxyProtocol\.from)(?:\[\d+\]|\.\d+)$/, '$1')
    .toLowerCase();
  return SERVER_FIELD[key] ?? 'form';
}

/** How the service being edited moved since the form opened: changed or deleted elsewhere, or not. */
export type FormStaleness = 'changed' | 'deleted' | null;

/**
 * Compares the service the form was opened with to the one the store holds now. A change may
 * come from another operator or another node (a `config` push); either way saving would be
 * refused (the form sends the version it started from).
 */
export function formStaleness(opened: ServiceDto | null, current: ServiceDto | undefined): FormStaleness {
  if (!opened) return null;
  if (!current) return 'deleted';
  return current.version > opened.version ? 'changed' : null;
}

/** What the form says about it. */
export const STALE_TEXT: Record<Exclude<FormStaleness, null>, string> = {
  changed: 'This service was changed elsewhere (another operator or node) since you opened this form. Saving will be refused; close and reopen it to start from the current values.',
  deleted: 'This service was deleted elsewhere (another operator or node) since you opened this form.',
};
