// Pure wording rules; the HTTP behaviour is tested against a real server in test/api-client.test.ts.
import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, messageForField } from './api-client.ts';

describe('errorMessage', () => {
  it("shows the admin's own wording, without a prefix that repeats the field", () => {
    const error = new ApiError({ statusCode: 400, code: 'VALIDATION_ERROR', message: 'retries: must be an integer from 0 to 10', field: 'retries' });
    expect(errorMessage(error)).toBe('must be an integer from 0 to 10');
    expect(error.message).toBe('retries: must be an integer from 0 to 10');
  });
  it('keeps any other text as it is', () => {
    expect(messageForField('YAML: bad indentation')).toBe('YAML: bad indentation');
    expect(messageForField('listen: 127.0.0.1:80 is already in use', 'address')).toBe('listen: 127.0.0.1:80 is already in use');
    expect(messageForField('services[0].retries: must be an integer from 0 to 10', 'retries')).toBe('services[0].retries: must be an integer from 0 to 10');
  });
});
