// A private redis-server for a test: 127.0.0.1 on a free port, its files in a temp folder, no
// persistence; stop() kills it and removes the folder. Never a shared instance (Debian's package may
// also start one on 6379).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface TestRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: a crash) and starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const freePort = () => new Promise<number>((res, rej) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => res(port));
  }).on('error', rej);
});

async function ping(url: string, ms: number): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    try {
      await c.connect();
      if ((await c.ping()) === 'PONG') return;
    } catch (e) {
      if (Date.now() - t0 > ms) throw new Error(`redis-server at ${url} did not answer PING within ${ms} ms: ${(e as Error).message}`);
    } finally {
      c.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** persist: an append-only file synced on every write, so a killed server restarts with its data. */
export async function startRedis(o: { persist?: boolean } = {}): Promise<TestRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'gumbel-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let proc: ChildProcess;
  const launch = async () => {
    proc = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', ...(o.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']), '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    proc.on('error', () => undefined);
    await ping(url, 10_000);
  };
  const kill = () => new Promise<void>((res) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return res();
    proc.once('exit', () => res());
    proc.kill('SIGKILL');
  });
  await launch();
  return {
    url,
    port,
    restart: async () => {
      await kill();
      await launch();
    },
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
