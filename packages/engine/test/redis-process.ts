// A real redis-server on a chosen loopback port, restartable on the same port (for
// down/up tests), killed by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';

export interface RedisProcess {
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Sends one inline command on a new connection and resolves with the first reply line. */
export function redisCommand(port: number, command: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`timeout: ${command}`));
    }, timeoutMs);
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('close', () => {
      clearTimeout(timer);
      if (!buf.includes('\r\n')) reject(new Error(`closed without reply: ${command}`));
    });
    s.on('data', (d) => {
      buf += String(d);
      if (buf.includes('\r\n')) {
        clearTimeout(timer);
        s.end();
        resolve(buf.slice(0, buf.indexOf('\r\n')));
      }
    });
    s.write(`${command}\r\n`);
  });
}

export async function startRedisOn(port: number): Promise<RedisProcess> {
  let child: ChildProcess | null = null;
  const r: RedisProcess = {
    port,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      for (let i = 0; i < 200; i++) {
        try {
          if ((await redisCommand(port, 'PING', 200)) === '+PONG') return;
        } catch {
          await new Promise((res) => setTimeout(res, 25));
        }
      }
      throw new Error(`redis-server did not start on ${port}`);
    },
    async stop() {
      const c = child;
      child = null;
      if (c === null || c.exitCode !== null) return;
      const exited = once(c, 'exit');
      c.kill('SIGKILL');
      await exited;
    },
  };
  await r.start();
  return r;
}
