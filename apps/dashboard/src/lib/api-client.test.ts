// Pure wording rules; the HTTP behaviour is tested against a real server in test/api-client.test.ts.
import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, friendlyServerMessage } from './api-client.ts';

describe('friendlyServerMessage', () => {
  it('strips the field path and says the limit plainly', () => {
    expect(friendlyServerMessage('healthCheck.intervalMs: expected integer to be greater or equal to 100', 'healthCheck.intervalMs')).toBe('must be at least 100');
    expect(friendlyServerMessage('weight: expected integer to be less or equal to 1000', 'weight')).toBe('must be at most 1000');
    expect(friendlyServerMessage('backends[0].weight: expected integer', 'backends[0].weight')).toBe('must be a whole number');
    expect(friendlyServerMessage('name: a service named "cache" already exists', 'name')).toBe('a service named "cache" already exists');
  });
  it('strips an engine-style path in front of "must"', () => {
    expect(friendlyServerMessage('services[0].drainTimeoutMs must be an integer in 0..86400000', 'drainTimeoutMs')).toBe('must be a whole number from 0 to 86400000');
  });
  it('keeps prefixes that are not clearly a field path', () => {
    expect(friendlyServerMessage('YAML: bad indentation')).toBe('YAML: bad indentation');
    expect(friendlyServerMessage('body: expected object')).toBe('body: expected object');
    expect(friendlyServerMessage('that token is not valid')).toBe('that token is not valid');
    expect(friendlyServerMessage('listen: 127.0.0.1:80 is already in use', 'address')).toBe('listen: 127.0.0.1:80 is already in use');
  });
  it('is what errorMessage shows for an API error', () => {
    const error = new ApiError({ statusCode: 400, code: 'VALIDATION_ERROR', message: 'retries: expected integer to be less or equal to 10', field: 'retries' });
    expect(errorMessage(error)).toBe('must be at most 10');
    expect(error.message).toBe('retries: expected integer to be less or equal to 10');
  });
});
