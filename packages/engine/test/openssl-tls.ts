// Real TLS peers for the SNI routing tests: self-signed certificates made with `openssl req`,
// `openssl s_server -rev` backends (each line the client sends comes back reversed) and
// `openssl s_client` clients. Fulcrum never holds a key: the client's handshake completes with
// whichever backend it was routed to, and TLS 1.3 covers the ClientHello in its transcript, so
// a handshake only completes if the peeked bytes reached the backend exactly.
import { spawn, execFile, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const OPENSSL = 'openssl';

/** A temp dir holding one certificate + key per common name. */
export interface CertDir {
  dir: string;
  cert(cn: string): { cert: string; key: string };
  remove(): Promise<void>;
}

/** Makes a self-signed P-256 certificate (subject CN=`cn`) for each name, in a fresh temp dir. */
export async function makeCerts(names: string[]): Promise<CertDir> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fulcrum-sni-'));
  const files = (cn: string): { cert: string; key: string } => ({ cert: path.join(dir, `${cn}.crt`), key: path.join(dir, `${cn}.key`) });
  await Promise.all(names.map((cn) => run(OPENSSL, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${cn}`, '-keyout', files(cn).key, '-out', files(cn).cert])));
  return { dir, cert: files, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A running `openssl s_server -rev` on 127.0.0.1. */
export interface TlsBackend {
  port: number;
  stop(): Promise<void>;
}

/** Starts `openssl s_server -rev` with the certificate; resolves once it accepts (its ACCEPT line names the port). */
export function startTlsBackend(files: { cert: string; key: string }): Promise<TlsBackend> {
  const child = spawn(OPENSSL, ['s_server', '-accept', '127.0.0.1:0', '-cert', files.cert, '-key', files.key, '-rev'], { stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`s_server did not start: ${out}`)), 10_000);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      child.kill();
      reject(err);
    };
    child.on('error', fail);
    child.stdout.on('data', (d: Buffer) => {
      out += String(d);
      const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      resolve({ port: Number(m[1]), stop: () => stop(child) });
    });
  });
}

function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}

/** An `openssl s_client` connected through Fulcrum, kept open for more lines. */
export interface TlsClient {
  /** The peer certificate's subject `s_client -brief` reported ("CN = db1.example.com"), once the handshake completed. */
  subject(): Promise<string>;
  /** Sends a line; resolves with the backend's reversed reply line. */
  roundTrip(line: string): Promise<string>;
  /** Resolves with the exit code when s_client exits (the connection closed). */
  exited: Promise<number | null>;
  /** Everything s_client wrote to stderr so far. */
  readonly log: string;
  close(): Promise<void>;
}

/** Starts `openssl s_client -brief` to 127.0.0.1:`port`, sending `serverName` as SNI (null: -noservername). */
export function tlsClient(port: number, serverName: string | null, timeoutMs = 10_000): TlsClient {
  const sni = serverName === null ? ['-noservername'] : ['-servername', serverName];
  const child = spawn(OPENSSL, ['s_client', '-connect', `127.0.0.1:${port}`, ...sni, '-brief'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  const waiters: (() => void)[] = [];
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  child.stderr.on('data', (d: Buffer) => {
    err += String(d);
    wake();
  });
  child.stdout.on('data', (d: Buffer) => {
    out += String(d);
    wake();
  });
  child.stdin.on('error', () => {});
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    resolve(code);
    wake();
  }));
  /** Waits until `pick` finds something in the output, the process exits, or the bound passes. */
  const until = <T>(pick: () => T | null, what: string): Promise<T> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s_client: timed out waiting for ${what}; stderr: ${err}`)), timeoutMs);
    const check = (): void => {
      const found = pick();
      if (found !== null) {
        clearTimeout(timer);
        resolve(found);
      } else if (child.exitCode !== null || child.signalCode !== null) {
        clearTimeout(timer);
        reject(new Error(`s_client exited (${child.exitCode}) before ${what}; stderr: ${err}`));
      } else waiters.push(check);
    };
    check();
  });
  return {
    subject: () => until(() => /Peer certificate: (.*)\n/.exec(err)?.[1]?.trim() ?? null, 'the peer certificate'),
    roundTrip(line: string) {
      const from = out.length;
      child.stdin.write(`${line}\n`);
      return until(() => {
        const m = /^(.*)\n/.exec(out.slice(from));
        return m === null ? null : (m[1] as string);
      }, `the reply to ${line}`);
    },
    exited,
    get log() {
      return err;
    },
    close: () => stop(child),
  };
}
