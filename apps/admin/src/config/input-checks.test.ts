import { describe, expect, it } from 'vitest';
import { HEALTH_CHECK_DEFAULTS } from '@fulcrum/engine';
import { checkAddress, checkHealthCheck, checkStrategy, checkStrategyOptions, checkVersion, parseIfMatch } from './input-checks.ts';

describe('parseIfMatch', () => {
  it.each([
    [undefined, undefined],
    ['*', undefined],
    ['3', 3],
    ['"3"', 3],
    ['W/"12"', 12],
  ])('%s → %s', (header, version) => {
    expect(parseIfMatch(header)).toBe(version);
  });

  it('rejects anything else naming the header', () => {
    expect(() => parseIfMatch('"abc"')).toThrow(expect.objectContaining({ code: 'VALIDATION_ERROR', field: 'if-match' }));
  });
});

describe('checks', () => {
  it('addresses', () => {
    expect(checkAddress('[::1]:80', 'listen')).toEqual({ host: '::1', port: 80 });
    expect(() => checkAddress('::1:80', 'listen')).toThrow(expect.objectContaining({ code: 'INVALID_ADDRESS', field: 'listen' }));
  });

  it('strategies', () => {
    expect(checkStrategy('consistent-hash')).toBe('consistent-hash');
    expect(() => checkStrategy('fastest')).toThrow(expect.objectContaining({ code: 'UNKNOWN_STRATEGY', field: 'strategy' }));
  });

  it('boundedLoadFactor is 0 or 1..10', () => {
    expect(checkStrategyOptions({ boundedLoadFactor: 0 })).toEqual({ boundedLoadFactor: 0 });
    expect(checkStrategyOptions({ boundedLoadFactor: 1.25 })).toEqual({ boundedLoadFactor: 1.25 });
    expect(checkStrategyOptions({})).toEqual({});
    expect(() => checkStrategyOptions({ boundedLoadFactor: 0.99 })).toThrow(expect.objectContaining({ field: 'strategyOptions.boundedLoadFactor' }));
  });

  it('health checks that cannot work', () => {
    expect(() => checkHealthCheck({ ...HEALTH_CHECK_DEFAULTS, type: 'send-expect' })).toThrow(expect.objectContaining({ field: 'healthCheck.send' }));
    expect(checkHealthCheck({ ...HEALTH_CHECK_DEFAULTS, type: 'send-expect', send: 'PING\\r\\n', expect: '+PONG' }).type).toBe('send-expect');
  });

  it('versions', () => {
    expect(() => checkVersion(2, undefined, 2)).not.toThrow();
    expect(() => checkVersion(2, 1)).toThrow(expect.objectContaining({ statusCode: 409, code: 'VERSION_CONFLICT' }));
  });
});
