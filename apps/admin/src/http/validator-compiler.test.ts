import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.ts';
import { pointerToField, typeboxValidatorCompiler } from './validator-compiler.ts';

describe('pointerToField', () => {
  it.each([
    ['', undefined],
    ['/name', 'name'],
    ['/healthCheck/intervalMs', 'healthCheck.intervalMs'],
    ['/backends/0/address', 'backends[0].address'],
    ['/a~1b/c~0d', 'a/b.c~d'],
  ])('%s → %s', (pointer, field) => {
    expect(pointerToField(pointer)).toBe(field);
  });
});

describe('typeboxValidatorCompiler', () => {
  const schema = Type.Object({ n: Type.Integer({ minimum: 1 }), flag: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
  const compile = (httpPart: string) => typeboxValidatorCompiler({ schema, httpPart, method: 'GET', url: '/' }) as (data: unknown) => { value?: unknown; error?: ApiError };

  it('does not coerce JSON bodies', () => {
    const validate = compile('body');
    expect(validate({ n: 2 })).toEqual({ value: { n: 2 } });
    const { error } = validate({ n: '2' });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ statusCode: 400, code: 'VALIDATION_ERROR', field: 'n' });
  });

  it('converts query strings', () => {
    const validate = compile('querystring');
    expect(validate({ n: '2', flag: 'true' })).toEqual({ value: { n: 2, flag: true } });
    expect(validate({ n: '0' }).error?.field).toBe('n');
    expect(validate({ n: '1', other: 'x' }).error).toMatchObject({ field: 'other', message: 'other: is not a known field' });
  });

  it('converts only canonical text: a loosely readable number stays a string and fails', () => {
    const validate = compile('querystring');
    for (const bad of ['1e9', '1.99', '0x2', ' 1', '1 ', 'true', '01', '+1', '1.0', '', '9007199254740993']) {
      expect(validate({ n: bad }).error, bad).toMatchObject({ statusCode: 400, field: 'n' });
    }
    for (const bad of ['1', 'TRUE', 'yes', '']) expect(validate({ n: '1', flag: bad }).error?.field, bad).toBe('flag');
    expect(validate({ n: '9007199254740991', flag: 'false' })).toEqual({ value: { n: 9007199254740991, flag: false } });
  });

  it('reports a missing body without a field', () => {
    const { error } = compile('body')(null);
    expect(error?.field).toBeUndefined();
    expect(error?.message).toMatch(/^body: /);
  });
});
