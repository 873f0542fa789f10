import { describe, expect, it } from 'vitest';
import { UsageError, parseCliArgs } from './cli-args.ts';

describe('parseCliArgs', () => {
  it('uses the defaults', () => {
    expect(parseCliArgs([])).toEqual({
      help: false,
      admin: { host: '127.0.0.1', port: 8080 },
      dataDir: './data',
      eventRetention: { maxEvents: 100_000, maxDays: 30 },
      accessLog: false,
    });
  });

  it('turns the access log on with --access-log or FULCRUM_ACCESS_LOG=1', () => {
    expect(parseCliArgs(['--access-log']).accessLog).toBe(true);
    expect(parseCliArgs([], { FULCRUM_ACCESS_LOG: '1' }).accessLog).toBe(true);
    expect(parseCliArgs([], { FULCRUM_ACCESS_LOG: '0' }).accessLog).toBe(false);
    expect(parseCliArgs(['--access-log'], { FULCRUM_ACCESS_LOG: '0' }).accessLog).toBe(true);
    expect(() => parseCliArgs([], { FULCRUM_ACCESS_LOG: 'yes' })).toThrow(/FULCRUM_ACCESS_LOG "yes"/);
    expect(() => parseCliArgs(['--access-log=1'])).toThrow(/--access-log takes no value/);
  });

  it('reads the relay from --relay or FULCRUM_RELAY (auto, native, socket), flag winning; absent = the engine default', () => {
    expect(parseCliArgs([]).relay).toBeUndefined();
    expect(parseCliArgs(['--relay', 'socket']).relay).toBe('socket');
    expect(parseCliArgs([], { FULCRUM_RELAY: 'Native' }).relay).toBe('native');
    expect(parseCliArgs(['--relay', 'auto'], { FULCRUM_RELAY: 'socket' }).relay).toBe('auto');
    expect(() => parseCliArgs(['--relay', 'fast'])).toThrow(new UsageError('--relay "fast": must be one of auto, native, socket'));
    expect(() => parseCliArgs([], { FULCRUM_RELAY: 'uv' })).toThrow(/^FULCRUM_RELAY "uv": must be one of auto, native, socket$/);
  });

  it('reads the DNS servers of discovery groups from --dns-server or FULCRUM_DNS_SERVERS', () => {
    expect(parseCliArgs(['--dns-server', '127.0.0.1:5353,10.0.0.2, [::1]:53']).dnsServers).toEqual(['127.0.0.1:5353', '10.0.0.2', '[::1]:53']);
    expect(parseCliArgs([], { FULCRUM_DNS_SERVERS: '::1' }).dnsServers).toEqual(['::1']);
    expect(parseCliArgs([]).dnsServers).toBeUndefined();
    expect(() => parseCliArgs(['--dns-server', 'dns.internal'])).toThrow(/--dns-server "dns.internal": each entry is an IP address/);
  });

  it('reads the cluster flags and their environment variables', () => {
    const opts = parseCliArgs(['--store', 'postgres://fulcrum:s3cret@db.internal:5432/fulcrum', '--node-name', 'lb-a', '--listen-host', '127.0.0.2']);
    expect(opts.store).toEqual({ url: 'postgres://fulcrum:s3cret@db.internal:5432/fulcrum', display: 'postgres://fulcrum:***@db.internal:5432/fulcrum' });
    expect(opts).toMatchObject({ nodeName: 'lb-a', listenHost: '127.0.0.2' });
    const env = { FULCRUM_STORE: 'postgresql://u@h/db', FULCRUM_NODE_NAME: 'n2', FULCRUM_LISTEN_HOST: '::1' };
    expect(parseCliArgs([], env)).toMatchObject({ store: { display: 'postgresql://u@h/db' }, nodeName: 'n2', listenHost: '::1' });
    expect(parseCliArgs([]).store).toBeUndefined();
  });

  it('refuses a malformed --store, node name or listen host in one line naming the flag, password hidden', () => {
    for (const [args, message] of [
      [['--store', 'mysql://u:pw@h/db'], /^--store: unsupported scheme "mysql"/],
      [['--store', 'not a url'], /^--store: "not a url" is not a URL/],
      [['--store', 'postgres://u:pw@/db'], /^--store: /],
      [['--store', 'postgres://u:pw@h'], /^--store: the URL names no database/],
      [['--node-name', 'bad name'], /^--node-name "bad name": 1–63 letters/],
      [['--listen-host', 'a b'], /^--listen-host "a b": not a host name or IP address/],
    ] as const) {
      let error: unknown;
      try {
        parseCliArgs([...args]);
      } catch (err) {
        error = err;
      }
      expect(error, args.join(' ')).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('pw@');
      expect((error as Error).message).not.toContain('\n');
    }
    expect(() => parseCliArgs([], { FULCRUM_STORE: 'redis://x/1' })).toThrow(/^FULCRUM_STORE: unsupported scheme/);
  });

  it('reads --stop-grace (env FULCRUM_STOP_GRACE), 0 to 60 000 ms', () => {
    expect(parseCliArgs(['--stop-grace', '1500']).stopGraceMs).toBe(1500);
    expect(parseCliArgs([], { FULCRUM_STOP_GRACE: '250' }).stopGraceMs).toBe(250);
    expect(parseCliArgs([]).stopGraceMs).toBeUndefined();
    expect(() => parseCliArgs(['--stop-grace', '1.5s'])).toThrow(/^--stop-grace "1.5s": must be a whole number from 0 to 60000$/);
    expect(() => parseCliArgs(['--stop-grace', '60001'])).toThrow(UsageError);
  });

  it('reads --reload-drain-limit MS|off (env FULCRUM_RELOAD_DRAIN_LIMIT); default off = no limit', () => {
    expect(parseCliArgs([]).reloadDrainLimitMs).toBeUndefined();
    expect(parseCliArgs(['--reload-drain-limit', '500']).reloadDrainLimitMs).toBe(500);
    expect(parseCliArgs(['--reload-drain-limit=0']).reloadDrainLimitMs).toBe(0);
    expect(parseCliArgs([], { FULCRUM_RELOAD_DRAIN_LIMIT: '3600000' }).reloadDrainLimitMs).toBe(3_600_000);
    expect(parseCliArgs(['--reload-drain-limit', 'off'], { FULCRUM_RELOAD_DRAIN_LIMIT: '500' }).reloadDrainLimitMs).toBeUndefined();
    expect(parseCliArgs([], { FULCRUM_RELOAD_DRAIN_LIMIT: 'OFF' }).reloadDrainLimitMs).toBeUndefined();
    expect(parseCliArgs(['--reload-drain-limit', '604800000']).reloadDrainLimitMs).toBe(604_800_000);
    for (const [args, env, what, value] of [
      [['--reload-drain-limit', '10s'], {}, '--reload-drain-limit', '10s'],
      [['--reload-drain-limit=-1'], {}, '--reload-drain-limit', '-1'],
      [['--reload-drain-limit', '1e3'], {}, '--reload-drain-limit', '1e3'],
      [['--reload-drain-limit', '604800001'], {}, '--reload-drain-limit', '604800001'],
      [['--reload-drain-limit', 'none'], {}, '--reload-drain-limit', 'none'],
      [[], { FULCRUM_RELOAD_DRAIN_LIMIT: '1.5' }, 'FULCRUM_RELOAD_DRAIN_LIMIT', '1.5'],
    ] as const) {
      expect(() => parseCliArgs([...args], env)).toThrow(
        new UsageError(`${what} "${value}": must be off or a whole number of milliseconds from 0 to 604800000`),
      );
    }
    expect(() => parseCliArgs(['--reload-drain-limit'])).toThrow(new UsageError('--reload-drain-limit needs a value'));
  });

  it('refuses an admin token shorter than 16 characters, in one line', () => {
    expect(() => parseCliArgs([], { FULCRUM_ADMIN_TOKEN: 'x' })).toThrow(/^FULCRUM_ADMIN_TOKEN is shorter than 16 characters; use a long random value/);
    expect(() => parseCliArgs([], { FULCRUM_ADMIN_TOKEN: '0123456789abcde' })).toThrow(UsageError);
    expect(parseCliArgs([], { FULCRUM_ADMIN_TOKEN: '0123456789abcdef' }).adminToken).toBe('0123456789abcdef');
  });

  it('reads the environment, flags winning', () => {
    const env = { FULCRUM_ADMIN: '0.0.0.0:9000', FULCRUM_DATA: '/var/lib/fulcrum', FULCRUM_ADMIN_TOKEN: 'secret-0123456789' };
    expect(parseCliArgs([], env)).toMatchObject({ admin: { host: '0.0.0.0', port: 9000 }, dataDir: '/var/lib/fulcrum', adminToken: 'secret-0123456789' });
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

  it('reads --config, TLS files and event retention (flags over environment)', () => {
    const env = { FULCRUM_TLS_CERT: 'env.crt', FULCRUM_TLS_KEY: 'env.key', FULCRUM_EVENTS_MAX: '5000', FULCRUM_EVENTS_DAYS: '7' };
    expect(parseCliArgs(['--config', 'fulcrum.yaml'], env)).toMatchObject({
      configFile: 'fulcrum.yaml',
      tls: { certFile: 'env.crt', keyFile: 'env.key' },
      eventRetention: { maxEvents: 5000, maxDays: 7 },
    });
    expect(parseCliArgs(['--tls-cert', 'a.crt', '--tls-key', 'a.key', '--events-max', '200', '--events-days', '1'], env)).toMatchObject({
      tls: { certFile: 'a.crt', keyFile: 'a.key' },
      eventRetention: { maxEvents: 200, maxDays: 1 },
    });
  });

  it.each([
    [['--events-max', '99'], {}, '--events-max "99": must be a whole number from 100 to 100000000'],
    [['--events-max', '1e5'], {}, '--events-max "1e5": must be a whole number from 100 to 100000000'],
    [['--events-days', '0'], {}, '--events-days "0": must be a whole number from 1 to 36500'],
    [[], { FULCRUM_EVENTS_DAYS: 'week' }, 'FULCRUM_EVENTS_DAYS "week": must be a whole number from 1 to 36500'],
    [['--tls-cert', 'a.crt'], {}, "--tls-cert needs --tls-key (the certificate's private key)"],
    [[], { FULCRUM_TLS_KEY: 'k' }, 'FULCRUM_TLS_KEY needs --tls-cert (the certificate for the key)'],
    [['--config', 'a.yaml', '--listen', '127.0.0.1:1'], {}, '--config and --listen both describe the first configuration; give one of them'],
    [['--config', ''], {}, '--config needs a file'],
  ])('%j %j → %s', (args, env, message) => {
    expect(() => parseCliArgs(args, env)).toThrow(new UsageError(message));
  });

  it('rejects a malformed FULCRUM_ADMIN by name', () => {
    expect(() => parseCliArgs([], { FULCRUM_ADMIN: 'nohost' })).toThrow(/^FULCRUM_ADMIN "nohost"/);
  });
});
