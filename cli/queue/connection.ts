import { Redis } from 'ioredis';
import { displayUrl } from './address.ts';

/** A `--queue` address that is not a Redis URL, or a server that does not answer: one sentence for the user. */
export class QueueError extends Error {}

/**
 * Checks `--queue` and returns it as BullMQ's connection options. ioredis takes the URL as it is (redis:// or
 * rediss:// for TLS, with an optional user, password and database); `maxRetriesPerRequest: null` is what BullMQ
 * requires of a worker's blocking connection, and it lets a command wait out a Redis restart instead of failing.
 */
export function queueConnection(url: string): { url: string; maxRetriesPerRequest: null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueError(`--queue: expected a Redis URL such as redis://HOST:6379, found ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new QueueError(`--queue: expected a redis:// or rediss:// URL, found ${JSON.stringify(url)}`);
  }
  return { url, maxRetriesPerRequest: null };
}

/**
 * Connects once, without retrying, and closes: a wrong host or port becomes one line naming it now, instead
 * of BullMQ's endless reconnecting. Checks the version too: BullMQ needs Redis 6.2 or newer.
 */
export async function checkReachable(url: string): Promise<void> {
  queueConnection(url);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5_000 });
  // connect() rejects with "Connection is closed"; the cause (ECONNREFUSED, a DNS failure) comes as an event.
  let cause: string | undefined;
  redis.on('error', (error: Error) => (cause ??= error.message));
  try {
    await redis.connect();
    const info = await redis.info('server');
    const version = /redis_version:(\d+)\.(\d+)/.exec(info);
    if (version && (Number(version[1]) < 6 || (Number(version[1]) === 6 && Number(version[2]) < 2))) {
      throw new QueueError(`--queue ${displayUrl(url)}: expected Redis 6.2 or newer (BullMQ needs it), found ${version[1]}.${version[2]}`);
    }
  } catch (error) {
    if (error instanceof QueueError) throw error;
    throw new QueueError(
      `--queue ${displayUrl(url)}: expected a Redis server there, found: ${cause ?? (error as Error).message}; start one (redis-server) or fix the address`,
    );
  } finally {
    redis.disconnect();
  }
}
