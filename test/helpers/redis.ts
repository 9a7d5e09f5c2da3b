import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tempDir } from './tempDir.ts';

/** A redis-server of the test's own, on a free loopback port; `url` is what `--queue` takes. */
export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A port nothing listens on now: the system picks it for a throwaway listener, which is then closed. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts Debian's redis-server (installed by scripts/setup-system.sh, which `npm test`'s pretest runs) on a free
 * loopback port, with no persistence and its working folder in a temporary folder, and resolves once it accepts
 * connections. `stop()` ends it (SIGTERM, then SIGKILL after 5 s); a test file calls it in `after`.
 */
export async function startRedis(): Promise<TestRedis> {
  const dir = tempDir('dnn-redis-');
  let lastError: Error | undefined;
  // Another process may take the free port between the check and redis-server's bind: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await ready(child);
      return { url: `redis://127.0.0.1:${port}`, port, stop: () => stop(child) };
    } catch (error) {
      lastError = error as Error;
      await stop(child);
    }
  }
  throw new Error(`expected redis-server to start on a free loopback port, found: ${lastError?.message}`);
}

/** Resolves when redis-server logs that it accepts connections; rejects if it exits first or takes over 10 s. */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start in 10 s:\n${log}`)), 10_000);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume(); // keep draining, or a full pipe would block the server
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`expected to run redis-server (apt-get install redis-server; npm test's pretest does), found: ${error.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code} before it was ready:\n${log}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
