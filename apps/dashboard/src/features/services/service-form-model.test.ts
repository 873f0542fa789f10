import { describe, expect, it } from 'vitest';
import type { ServiceDto } from '@fulcrum/shared/api';
import { serviceDto } from '../../../test/fixtures/api-samples.ts';
import { emptyServiceForm, formFieldForServerField, formStaleness, serviceToForm, toCreateBody, toPatchBody, validateServiceForm } from './service-form-model.ts';

function filled() {
  return { ...emptyServiceForm(), name: 'redis', listen: '127.0.0.1:6380' };
}

const existing: ServiceDto = serviceDto();

describe('validateServiceForm', () => {
  it('accepts a complete form', () => {
    expect(validateServiceForm(filled())).toEqual({});
  });
  it('flags each bad field', () => {
    const errors = validateServiceForm({ ...filled(), name: '', listen: 'nope', connectTimeoutMs: 'x', hcRise: '0' });
    expect(Object.keys(errors).sort()).toEqual(['connectTimeoutMs', 'hcRise', 'listen', 'name']);
    expect(errors.listen).toMatch(/host:port/);
  });
  it('checks the port range through parseAddress', () => {
    expect(validateServiceForm({ ...filled(), listen: '127.0.0.1:70000' }).listen).toMatch(/out of range/);
  });
  it('rejects duplicate names and listen addresses', () => {
    const errors = validateServiceForm(filled(), [existing]);
    expect(errors.name).toMatch(/already exists/);
    expect(errors.listen).toMatch(/already listens/);
  });
  it('uses the admin ranges for every number', () => {
    const errors = validateServiceForm({
      ...filled(),
      hcIntervalMs: '99',
      hcTimeoutMs: '9',
      hcRise: '101',
      retries: '11',
      drainTimeoutMs: '3600001',
      idleTimeoutMs: '86400001',
      connectTimeoutMs: '0',
      maxQueue: '100001',
      queueTimeoutMs: '0',
      maxConnectionLifetimeMs: '604800001',
    });
    expect(errors).toEqual({
      hcIntervalMs: 'Interval must be at least 100.',
      hcTimeoutMs: 'Timeout must be at least 10.',
      hcRise: 'Rise must be at most 100.',
      retries: 'Retries must be at most 10.',
      drainTimeoutMs: 'Drain timeout must be at most 3,600,000.',
      idleTimeoutMs: 'Idle timeout must be at most 86,400,000.',
      connectTimeoutMs: 'Connect timeout must be at least 1.',
      maxQueue: 'Max queue must be at most 100,000.',
      queueTimeoutMs: 'Queue timeout must be at least 1.',
      maxConnectionLifetimeMs: 'Max connection lifetime must be at most 604,800,000.',
    });
  });
  it('accepts the edges of each range', () => {
    const edges = { hcIntervalMs: '100', hcTimeoutMs: '600000', hcRise: '1', hcFall: '100', retries: '0', drainTimeoutMs: '0', idleTimeoutMs: '86400000', maxQueue: '100000', queueTimeoutMs: '600000', maxConnectionLifetimeMs: '604800000' };
    expect(validateServiceForm({ ...filled(), ...edges })).toEqual({});
  });
  it('skips health-check numbers when checks are off', () => {
    expect(validateServiceForm({ ...filled(), hcType: 'none', hcIntervalMs: '' })).toEqual({});
  });
});

describe('bodies', () => {
  it('builds a create body with numbers and only the relevant health-check fields', () => {
    const body = toCreateBody({ ...filled(), hcType: 'http', hcHttpPath: '/healthz' });
    expect(body).toMatchObject({ name: 'redis', listen: '127.0.0.1:6380', strategy: 'round-robin', connectTimeoutMs: 3000, retries: 2, maxQueue: 0, queueTimeoutMs: 5000 });
    const passive = { passiveFailures: 3, passiveFailurePercent: 0, passiveWindow: 100, passiveMinVolume: 20, maxEjectionPercent: 50, slowStartMs: 0, closeOnDown: false };
    expect(body.healthCheck).toEqual({ type: 'http', intervalMs: 2000, timeoutMs: 1000, rise: 2, fall: 3, httpPath: '/healthz', httpMethod: 'GET', checkPort: 0, httpStatusMin: 200, httpStatusMax: 399, ...passive });
    // Passive detection judges real connections: sent with checks off too.
    expect(toCreateBody({ ...filled(), hcType: 'none' }).healthCheck).toEqual({ type: 'none', ...passive });
  });
  it('patches only what changed', () => {
    const values = serviceToForm(existing);
    expect(toPatchBody(values, existing)).toEqual({});
    expect(toPatchBody({ ...values, listen: '127.0.0.1:7000', hcFall: '5', idleTimeoutMs: '60000', maxQueue: '50' }, existing)).toEqual({
      listen: '127.0.0.1:7000',
      idleTimeoutMs: 60000,
      maxQueue: 50,
      healthCheck: { fall: 5 },
    });
  });
});

describe('slow start, close-on-down, HTTP status range, regex expect, load bound', () => {
  it('shows and sends every one of them', () => {
    const values = { ...serviceToForm(existing), strategy: 'consistent-hash' as const, boundedLoadFactor: '2', hcSlowStartMs: '30000', hcCloseOnDown: true, hcType: 'http' as const, hcHttpStatusMin: '200', hcHttpStatusMax: '299' };
    expect(validateServiceForm(values)).toEqual({});
    expect(toPatchBody(values, existing)).toEqual({
      strategy: 'consistent-hash',
      strategyOptions: { boundedLoadFactor: 2 },
      healthCheck: { type: 'http', slowStartMs: 30000, closeOnDown: true, httpStatusMax: 299 },
    });
    const regex = { ...serviceToForm(existing), hcType: 'send-expect' as const, hcSend: 'PING\\r\\n', hcExpect: '^\\+PONG', hcExpectRegex: true };
    expect(toCreateBody(regex).healthCheck).toMatchObject({ type: 'send-expect', expectRegex: true });
  });
  it('refuses a load bound out of range and a status range upside down', () => {
    const values = { ...serviceToForm(existing), strategy: 'consistent-hash' as const, boundedLoadFactor: '0.5', hcType: 'http' as const, hcHttpStatusMin: '300', hcHttpStatusMax: '200', hcSlowStartMs: 'x' };
    expect(validateServiceForm(values)).toEqual({
      boundedLoadFactor: 'Load bound must be 0 (off) or from 1 to 10.',
      hcHttpStatusMax: 'Highest status must not be below the lowest (300).',
      hcSlowStartMs: 'Slow start must be a whole number.',
    });
    // Other strategies keep the options they have; an empty bound is the default.
    expect(toPatchBody({ ...serviceToForm(existing), boundedLoadFactor: '7' }, existing)).toEqual({});
    expect(formFieldForServerField('strategyOptions.boundedLoadFactor')).toBe('boundedLoadFactor');
  });
});

describe('role-aware health check', () => {
  it('sends role and login for redis/postgres, the password only when typed', () => {
    const redis = toCreateBody({ ...filled(), hcType: 'redis', hcRole: 'primary', hcUsername: 'checker', hcPassword: 's3cret' });
    expect(redis.healthCheck).toMatchObject({ type: 'redis', role: 'primary', username: 'checker', password: 's3cret', checkPort: 0 });
    const pg = toCreateBody({ ...filled(), hcType: 'postgres', hcRole: 'standby', hcUser: 'checker', hcCheckPort: '8008' });
    expect(pg.healthCheck).toMatchObject({ type: 'postgres', role: 'standby', user: 'checker', database: '', checkPort: 8008 });
    expect(pg.healthCheck).not.toHaveProperty('password');
    expect(toCreateBody({ ...filled(), hcType: 'tcp', hcRole: 'primary' }).healthCheck).not.toHaveProperty('role');
  });
  it('a stored password is shown as stored, kept unless typed, and changed when typed', () => {
    const stored: ServiceDto = { ...existing, healthCheck: { ...existing.healthCheck, type: 'redis', role: 'primary', passwordSet: true } };
    const values = serviceToForm(stored);
    expect(values).toMatchObject({ hcPassword: '', hcPasswordSet: true, hcRole: 'primary' });
    expect(toPatchBody(values, stored)).toEqual({});
    expect(toPatchBody({ ...values, hcPassword: 'new' }, stored)).toEqual({ healthCheck: { password: 'new' } });
  });
  it('checks role, user and check port before sending', () => {
    expect(validateServiceForm({ ...filled(), hcType: 'postgres', hcRole: 'primary' })).toEqual({ hcUser: 'A user is needed to check the role (the check logs in).' });
    expect(validateServiceForm({ ...filled(), hcType: 'redis', hcRole: 'standby' })).toEqual({ hcRole: 'A redis check cannot require this role.' });
    expect(validateServiceForm({ ...filled(), hcCheckPort: '70000' })).toEqual({ hcCheckPort: 'Check port must be at most 65,535.' });
    expect(formFieldForServerField('healthCheck.password')).toBe('hcPassword');
  });
  it('agent check: empty port is none, a port is sent with its interval, only a change is patched', () => {
    expect(toCreateBody(filled()).agentCheck).toBeNull();
    expect(toCreateBody({ ...filled(), agentPort: '9777' }).agentCheck).toEqual({ port: 9777, intervalMs: 2000 });
    expect(validateServiceForm({ ...filled(), agentPort: '9777', agentIntervalMs: '10' })).toEqual({ agentIntervalMs: 'Agent interval must be at least 100.' });
    const withAgent: ServiceDto = { ...existing, agentCheck: { port: 9777, intervalMs: 500 } };
    const values = serviceToForm(withAgent);
    expect(values).toMatchObject({ agentPort: '9777', agentIntervalMs: '500' });
    expect(toPatchBody(values, withAgent)).toEqual({});
    expect(toPatchBody({ ...values, agentPort: '' }, withAgent)).toEqual({ agentCheck: null });
    expect(toPatchBody({ ...values, agentIntervalMs: '1000' }, withAgent)).toEqual({ agentCheck: { port: 9777, intervalMs: 1000 } });
    expect(formFieldForServerField('agentCheck.intervalMs')).toBe('agentIntervalMs');
    expect(formFieldForServerField('agentCheck.port')).toBe('agentPort');
  });
});

describe('passive detection', () => {
  it('starts from the shared defaults and sends the typed numbers, changed ones only in a patch', () => {
    const values = serviceToForm(existing);
    expect([values.hcPassiveFailurePercent, values.hcPassiveWindow, values.hcPassiveMinVolume, values.hcMaxEjectionPercent]).toEqual(['0', '100', '20', '50']);
    expect(toPatchBody({ ...values, hcPassiveFailurePercent: '50', hcPassiveWindow: '20', hcPassiveMinVolume: '10', hcMaxEjectionPercent: '25' }, existing)).toEqual({
      healthCheck: { passiveFailurePercent: 50, passiveWindow: 20, passiveMinVolume: 10, maxEjectionPercent: 25 },
    });
  });
  it('checks the shared ranges and the window rule, with checks off too', () => {
    const errors = validateServiceForm({ ...filled(), hcType: 'none', hcPassiveFailurePercent: '101', hcMaxEjectionPercent: '-1', hcPassiveWindow: '5', hcPassiveMinVolume: '6' });
    expect(errors).toEqual({
      hcPassiveFailurePercent: 'Failure rate must be at most 100.',
      hcMaxEjectionPercent: 'Max ejected must be a whole number.',
      hcPassiveWindow: 'Window must not be less than passiveMinVolume (6).',
    });
    expect(validateServiceForm({ ...filled(), hcPassiveWindow: '1000', hcPassiveMinVolume: '1000', hcMaxEjectionPercent: '100' })).toEqual({});
  });
  it('puts the server\'s errors on these fields', () => {
    expect(formFieldForServerField('healthCheck.passiveWindow')).toBe('hcPassiveWindow');
    expect(formFieldForServerField('/healthCheck/maxEjectionPercent')).toBe('hcMaxEjectionPercent');
  });
});

describe('formFieldForServerField', () => {
  it('understands the usual spellings of a field path', () => {
    expect(formFieldForServerField('listen')).toBe('listen');
    expect(formFieldForServerField('healthCheck.intervalMs')).toBe('hcIntervalMs');
    expect(formFieldForServerField('/healthCheck/rise')).toBe('hcRise');
    expect(formFieldForServerField('body.name')).toBe('name');
    expect(formFieldForServerField('queueTimeoutMs')).toBe('queueTimeoutMs');
    expect(formFieldForServerField('maxConnectionLifetimeMs')).toBe('maxConnectionLifetimeMs');
    expect(formFieldForServerField('somethingElse')).toBe('form');
    expect(formFieldForServerField(undefined)).toBe('form');
  });
});

describe('formStaleness', () => {
  const opened = { id: 1, version: 4 } as unknown as ServiceDto;
  it('says whether the service moved on elsewhere since the form opened', () => {
    expect(formStaleness(null, undefined)).toBeNull();
    expect(formStaleness(opened, { ...opened })).toBeNull();
    expect(formStaleness(opened, { ...opened, version: 5 })).toBe('changed');
    expect(formStaleness(opened, undefined)).toBe('deleted');
  });
});

describe('allow and deny', () => {
  it('checks each line with the admin parser and names the entry', () => {
    expect(validateServiceForm({ ...filled(), allow: '10.0.0.0/8\n\n  192.0.2.7  \n', deny: '::1' })).toEqual({});
    expect(validateServiceForm({ ...filled(), allow: '10.0.0.0/8\n10.0.0.0/33' }).allow).toMatch(/^Entry 2: /);
    expect(validateServiceForm({ ...filled(), deny: 'nope' }).deny).toMatch(/^Entry 1: /);
  });
  it('sends trimmed lines, and patches a list only when it changed', () => {
    expect(toCreateBody({ ...filled(), allow: ' 10.0.0.0/8 \n\n::1' })).toMatchObject({ allow: ['10.0.0.0/8', '::1'], deny: [] });
    const values = serviceToForm({ ...existing, deny: ['192.0.2.7'] });
    expect(values.deny).toBe('192.0.2.7');
    expect(toPatchBody(values, { ...existing, deny: ['192.0.2.7'] })).toEqual({});
    expect(toPatchBody({ ...values, deny: '192.0.2.7\n192.0.2.8' }, { ...existing, deny: ['192.0.2.7'] })).toEqual({ deny: ['192.0.2.7', '192.0.2.8'] });
  });
  it('maps the server field of an entry to its text area', () => {
    expect(formFieldForServerField('allow[1]')).toBe('allow');
    expect(formFieldForServerField('/deny/0')).toBe('deny');
  });
});

describe('PROXY protocol', () => {
  it('starts from the defaults: nothing sent, no header read', () => {
    expect(emptyServiceForm()).toMatchObject({ proxyProtocol: 'off', acceptProxyFrom: '' });
    expect(toCreateBody(filled())).toMatchObject({ proxyProtocol: 'off', acceptProxyProtocol: null });
  });
  it('sends the mode and the trusted senders; an empty list turns reading off', () => {
    expect(toCreateBody({ ...filled(), proxyProtocol: 'v2', acceptProxyFrom: ' 10.0.0.0/8 \n\n::1' })).toMatchObject({
      proxyProtocol: 'v2',
      acceptProxyProtocol: { from: ['10.0.0.0/8', '::1'] },
    });
    const reading = { ...existing, proxyProtocol: 'v1' as const, acceptProxyProtocol: { from: ['10.0.0.0/8'] } };
    const values = serviceToForm(reading);
    expect(values).toMatchObject({ proxyProtocol: 'v1', acceptProxyFrom: '10.0.0.0/8' });
    expect(toPatchBody(values, reading)).toEqual({});
    expect(toPatchBody({ ...values, acceptProxyFrom: '' }, reading)).toEqual({ acceptProxyProtocol: null });
    expect(toPatchBody({ ...values, proxyProtocol: 'off' }, reading)).toEqual({ proxyProtocol: 'off' });
  });
  it('checks each trusted sender with the admin parser and maps the server field back', () => {
    expect(validateServiceForm({ ...filled(), acceptProxyFrom: '10.0.0.0/8\nbogus' }).acceptProxyFrom).toMatch(/^Entry 2: /);
    expect(formFieldForServerField('acceptProxyProtocol.from[1]')).toBe('acceptProxyFrom');
    expect(formFieldForServerField('acceptProxyProtocol.from')).toBe('acceptProxyFrom');
    expect(formFieldForServerField('proxyProtocol')).toBe('proxyProtocol');
  });
});

describe('limits', () => {
  it('starts with no limits, sends what is typed, and patches only a change', () => {
    const values = serviceToForm(existing);
    expect(toCreateBody(values).limits).toEqual(existing.limits);
    expect(toPatchBody(values, existing)).toEqual({});
    const typed = { ...values, limitPerClient: '5', limitServiceRate: '200', limitServiceRateMs: '1000' };
    expect(validateServiceForm(typed)).toEqual({});
    expect(toPatchBody(typed, existing)).toEqual({ limits: { ...existing.limits, perClientConnections: 5, serviceRate: { connections: 200, intervalMs: 1000 } } });
  });

  it('flags a bad limit on its field and puts the server\'s errors there too', () => {
    expect(validateServiceForm({ ...serviceToForm(existing), limitPerClient: '0' })).toEqual({ limitPerClient: 'Connections per client must be at least 1.' });
    expect(formFieldForServerField('limits.perClientConnections')).toBe('limitPerClient');
    expect(formFieldForServerField('limits.perClientRate.intervalMs')).toBe('limitClientRateMs');
    expect(formFieldForServerField('limits.serviceRate.connections')).toBe('limitServiceRate');
    expect(formFieldForServerField('limits.ipv6Prefix')).toBe('limitIpv6Prefix');
    expect(formFieldForServerField('limits.tableSize')).toBe('limitTableSize');
  });
});

describe('TLS SNI names', () => {
  it('sends null without names, the trimmed list with them, and patches only a change', () => {
    expect(toCreateBody(filled()).sni).toBeNull();
    expect(toCreateBody({ ...filled(), sni: ' db1.example.com \n*.cache.example.com' }).sni).toEqual(['db1.example.com', '*.cache.example.com']);
    const values = serviceToForm({ ...existing, sni: ['db1.example.com'] });
    expect(values.sni).toBe('db1.example.com');
    expect(toPatchBody(values, { ...existing, sni: ['db1.example.com'] })).toEqual({});
    expect(toPatchBody({ ...values, sni: '' }, { ...existing, sni: ['db1.example.com'] })).toEqual({ sni: null });
  });
  it('checks names like the admin and maps sni[1] to the text area', () => {
    expect(validateServiceForm({ ...filled(), sni: 'ok.example\nbad_name.example' }).sni).toMatch(/^Line 2: /);
    expect(formFieldForServerField('sni[1]')).toBe('sni');
  });
  it('lets a service with names share another service\'s listen address (the server checks the names)', () => {
    const other = { ...existing, id: 2, name: 'other' };
    expect(validateServiceForm(filled(), [other]).listen).toBeDefined();
    expect(validateServiceForm({ ...filled(), sni: 'db1.example.com' }, [other]).listen).toBeUndefined();
  });
});
