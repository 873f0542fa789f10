import { describe, expect, it } from 'vitest';
import { UsageError, parseCliArgs } from './cli-args.ts';

describe('parseCliArgs', () => {
  it('uses the defaults', () => {
    expect(parseCliArgs([])).toEqual({ help: false, admin: { host: '127.0.0.1', port: 8080 }, dataDir: './data' });
  });

  it('reads the environment, flags winning', () => {
    const env = { FULCRUM_ADMIN: '0.0.0.0:9000', FULCRUM_DATA: '/var/lib/fulcrum', FULCRUM_ADMIN_TOKEN: 'secret' };
    expect(parseCliArgs([], env)).toMatchObject({ admin: { host: '0.0.0.0', port: 9000 }, dataDir: '/var/lib/fulcrum', adminToken: 'secret' });
    expect(parseCliArgs(['--admin', '[::1]:8081', '--data', 'd'], env)).toMatchObject({ admin: { host: '::1', port: 8081 }, dataDir: 'd' });
  });

  it('builds the first-run service, ignoring a leading --', () => {
    const opts = parseCliArgs(['--', '--listen', '127.0.0.1:6380', '--backend', '127.0.0.1:6379', '--backend=10.0.0.2:6379', '--strategy', 'power-of-two']);
    expect(opts.seed).toEqual({
      listen: { host: '127.0.0.1', port: 6380 },
      backends: [
        { host: '127.0.0.1', port: 6379 },
        { host: '10.0.0.2', port: 6379 },
      ],
      strategy: 'power-of-two',
    });
  });

  it.each([
    [['--nope'], 'unknown option --nope (see fulcrum --help)'],
    [['-x'], 'unknown option -x (see fulcrum --help)'],
    [['--listen'], '--listen needs a value'],
    [['--listen', '--backend', '1.2.3.4:5'], '--listen needs a value'],
    [['--help=yes'], '--help takes no value'],
    [['extra'], 'unexpected argument "extra" (see fulcrum --help)'],
    [['--backend', '127.0.0.1:1'], '--backend needs --listen (the address the service listens on)'],
    [['--strategy', 'random'], '--strategy needs --listen (the address the service listens on)'],
    [['--listen', '127.0.0.1:1', '--backend', '127.0.0.1:2', '--backend', '127.0.0.1:2'], '--backend 127.0.0.1:2 is given twice'],
    [['--listen', '127.0.0.1:0'], '--listen "127.0.0.1:0": port 0 is out of range (1-65535)'],
  ])('%j → %s', (args, message) => {
    expect(() => parseCliArgs(args)).toThrow(new UsageError(message));
  });

  it('rejects a malformed FULCRUM_ADMIN by name', () => {
    expect(() => parseCliArgs([], { FULCRUM_ADMIN: 'nohost' })).toThrow(/^FULCRUM_ADMIN "nohost"/);
  });
});
