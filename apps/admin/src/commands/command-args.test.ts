import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli/cli-args.ts';
import { isSubcommand, parseCommand } from './command-args.ts';

describe('isSubcommand', () => {
  it.each([
    [['export'], true],
    [['--', 'import', 'f'], true],
    [['token', 'list'], true],
    [['--data', 'export'], false],
    [[], false],
  ])('%j → %s', (argv, expected) => {
    expect(isSubcommand(argv)).toBe(expected);
  });
});

describe('parseCommand', () => {
  it('export defaults to YAML from FULCRUM_DATA', () => {
    expect(parseCommand(['export'], { FULCRUM_DATA: '/d' })).toEqual({ command: 'export', dataDir: '/d', format: 'yaml', withSecrets: false });
    expect(parseCommand(['export', '--format=json', '--data', 'x'])).toEqual({ command: 'export', dataDir: 'x', format: 'json', withSecrets: false });
    expect(parseCommand(['export', '--with-secrets'])).toMatchObject({ command: 'export', withSecrets: true });
  });

  it('import locally or through an admin with the token from the environment', () => {
    expect(parseCommand(['import', 'c.yaml'])).toEqual({ command: 'import', dataDir: './data', file: 'c.yaml' });
    const remote = parseCommand(['import', 'c.yaml', '--admin', '127.0.0.1:8080'], { FULCRUM_ADMIN_TOKEN: 't' });
    expect(remote).toMatchObject({ command: 'import', file: 'c.yaml', adminToken: 't' });
    expect(remote.command === 'import' && remote.admin?.href).toBe('http://127.0.0.1:8080/');
    const https = parseCommand(['import', 'c.yaml', '--admin', 'https://lb.example:8443'], { FULCRUM_ADMIN_TOKEN: 't' });
    expect(https.command === 'import' && https.admin?.origin).toBe('https://lb.example:8443');
  });

  it('token create, revoke and list', () => {
    expect(parseCommand(['token', 'create', 'ci', '--data', 'd'])).toEqual({ command: 'token-create', dataDir: 'd', name: 'ci' });
    expect(parseCommand(['token', 'revoke', 'ci'])).toEqual({ command: 'token-revoke', dataDir: './data', name: 'ci' });
    expect(parseCommand(['token', 'list'])).toEqual({ command: 'token-list', dataDir: './data' });
  });

  it.each([
    [['export', '--format', 'toml'], '--format "toml": one of yaml, json'],
    [['export', '--admin', 'x:1'], 'fulcrum export: unknown option --admin (see fulcrum export --help)'],
    [['export', 'extra'], 'unexpected argument "extra" (see fulcrum export --help)'],
    [['export', '--data'], '--data needs a value'],
    [['import'], 'fulcrum import needs a FILE (YAML or JSON)'],
    [['import', 'a', 'b'], 'unexpected argument "b" (see fulcrum import --help)'],
    [['import', 'a', '--admin', '127.0.0.1:8080'], '--admin needs the token in FULCRUM_ADMIN_TOKEN'],
    [['token'], 'fulcrum token: create NAME, revoke NAME or list'],
    [['token', 'create'], 'fulcrum token create needs a NAME'],
    [['token', 'create', 'a', 'b'], 'unexpected argument "b" (see fulcrum token --help)'],
    [['token', 'list', '--format', 'json'], 'fulcrum token: unknown option --format (see fulcrum token --help)'],
  ])('%j → %s', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(new UsageError(message));
  });

  it('rejects a malformed --admin', () => {
    expect(() => parseCommand(['import', 'a', '--admin', 'nohost'], { FULCRUM_ADMIN_TOKEN: 't' })).toThrow(/^--admin "nohost": /);
  });
});
