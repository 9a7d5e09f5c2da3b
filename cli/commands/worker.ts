import { displayUrl } from '../queue/address.ts';
import { checkReachable, QueueError } from '../queue/connection.ts';
import { startWorker } from '../queue/worker.ts';
import { thisCli } from '../sweep/trial.ts';

export interface WorkerFlags {
  queue: string;
  concurrency: number;
  lockTimeout: number;
  idleExit?: number;
}

/**
 * `dropneuron worker --queue redis://HOST:PORT`: trains the trials that `dropneuron sweep --queue` enqueues,
 * `--concurrency` at a time, until stopped (or, with `--idle-exit`, until no trial has come for that long). The first SIGINT or SIGTERM takes no new trials and lets the running
 * ones finish (a Kubernetes pod gets its grace period for this); a second one exits at once, and another worker
 * takes the running trials over once their locks run out.
 */
export async function runWorker(flags: WorkerFlags, log: (line: string) => void, err: (line: string) => void): Promise<number> {
  if (flags.idleExit !== undefined && flags.idleExit < 2 * flags.lockTimeout) {
    // A dead worker's trial waits up to two lock timeouts before another worker may take it: an idle exit
    // sooner could leave nobody to take it.
    err(`dropneuron worker: expected --idle-exit of at least twice --lock-timeout (${2 * flags.lockTimeout} s), found ${flags.idleExit} s`);
    return 2;
  }
  try {
    await checkReachable(flags.queue);
  } catch (error) {
    if (!(error instanceof QueueError)) throw error;
    err(`dropneuron worker: ${error.message}`);
    return 2;
  }
  let idled = (): void => {};
  const idle = flags.idleExit !== undefined ? { ms: flags.idleExit * 1000, then: () => idled() } : undefined;
  const worker = startWorker({
    url: flags.queue,
    concurrency: flags.concurrency,
    lockMs: flags.lockTimeout * 1000,
    cli: thisCli(),
    log,
    ...(idle ? { idle } : {}),
  });
  log(`worker: waiting for trials on ${displayUrl(flags.queue)} (${flags.concurrency} at a time)`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (why: string): void => {
      if (stopping) process.exit(130);
      stopping = true;
      log(why);
      void worker.close().then(resolve);
    };
    idled = () => stop(`worker: no trial for ${flags.idleExit} s; stopping`);
    process.on('SIGINT', () => stop('worker: finishing the running trials; stop again to quit now'));
    process.on('SIGTERM', () => stop('worker: finishing the running trials; stop again to quit now'));
  });
  log('worker: stopped');
  return 0;
}
