// A real Redis primary and replica on loopback with passwords: the default user needs TRAFFIC_PASSWORD
// (clients and replication), and an ACL user `checker` may only AUTH, PING and ROLE — what a role
// check needs, nothing more. Failover is done the way an operator (or Sentinel) does it.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeCommand, readResp, type RespValue } from '../../src/health/resp-reply.ts';
import { deadPort } from '../helpers.ts';

export const TRAFFIC_PASSWORD = 'traffic pw';
export const CHECKER = { username: 'checker', password: 'check s3cret' } as const;

/** Runs `commands` pipelined on one new connection (after AUTH as the default user) and resolves with their replies. */
export function redisCall(port: number, commands: string[][], timeoutMs = 2000): Promise<RespValue[]> {
  return new Promise((resolve, reject) => {
    const all = [['AUTH', TRAFFIC_PASSWORD], ...commands];
    const s = net.connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`redis ${port}: timeout`));
    }, timeoutMs);
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const replies: RespValue[] = [];
      let offset = 0;
      while (replies.length < all.length) {
        const r = readResp(buf, offset);
        if (r == null) return;
        replies.push(r.value);
        offset = r.next;
      }
      clearTimeout(timer);
      s.end();
      resolve(replies.slice(1));
    });
    s.write(Buffer.concat(all.map(encodeCommand)));
  });
}

/** The text of a status, error or bulk reply. */
export function text(v: RespValue | undefined): string {
  if (v === undefined) return '';
  switch (v.kind) {
    case 'status':
    case 'error':
      return v.text;
    case 'bulk':
      return v.text ?? '';
    case 'array':
      return (v.items ?? []).map(text).join(' ');
    case 'integer':
      return String(v.value);
  }
}

/** One redis-server, killed by PID. */
export interface RedisNode {
  readonly port: number;
  stop(): Promise<void>;
}

async function startNode(extra: string[]): Promise<RedisNode> {
  const port = await deadPort();
  // A replica stores the primary's snapshot (dump.rdb) in --dir: a temp dir, not the repository.
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--requirepass', TRAFFIC_PASSWORD, '--masterauth', TRAFFIC_PASSWORD, ...extra],
    { stdio: 'ignore' },
  );
  const node: RedisNode = {
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (let i = 0; ; i++) {
    try {
      await redisCall(port, [['ACL', 'SETUSER', CHECKER.username, 'on', `>${CHECKER.password}`, '+auth', '+ping', '+role']], 300);
      return node;
    } catch (err) {
      if (i >= 200) {
        await node.stop();
        throw err;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** What ROLE says: master or slave (and, for a replica, its link state). */
export async function roleOf(port: number): Promise<string> {
  const [reply] = await redisCall(port, [['ROLE']]);
  return text(reply);
}

/** A primary and a replica of it, the replica's link up. */
export async function startRedisPair(): Promise<{ primary: RedisNode; replica: RedisNode }> {
  const primary = await startNode([]);
  const replica = await startNode(['--replicaof', '127.0.0.1', String(primary.port)]);
  for (let i = 0; !(await roleOf(replica.port)).includes('connected'); i++) {
    if (i > 400) throw new Error('replica never connected');
    await new Promise((r) => setTimeout(r, 25));
  }
  return { primary, replica };
}

/** Promotes `next` (REPLICAOF NO ONE) and makes `previous` its replica. */
export async function failover(previous: RedisNode, next: RedisNode): Promise<void> {
  await redisCall(next.port, [['REPLICAOF', 'NO', 'ONE']]);
  await redisCall(previous.port, [['REPLICAOF', '127.0.0.1', String(next.port)]]);
}
