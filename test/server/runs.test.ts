import assert from 'node:assert/strict';
import { constants, getPriority } from 'node:os';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import type { DoneEvent, ErrorEvent, StartEvent } from '../../protocol/events.ts';
import { ActiveRunsRequest, ResumeRequest, RunsRequest, ShrinkRequest, StopRequest, TrainRequest, type RunEventParams } from '../../protocol/lsp.ts';
import { lockAlive, readLock } from '../../store/trainerLock.ts';
import { readEvents } from '../../store/runFolder.ts';
import { TRAINER_LOCK } from '../../protocol/runFolder.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { TestClient, type Notification } from './client.ts';

const spec = (epochs: number, threshold = 0.01): string => `model tiny {
  data mnist limit=1000
  input 784
  dense fc1 32 relu
  dense out 10
}

regularize {
  threshold ${threshold}
}

train {
  epochs ${epochs}
  batch 100
  seed 1
}
`;

const runEvent =
  (runId: string, type: string, test: (p: RunEventParams) => boolean = () => true) =>
  (n: Notification): boolean =>
    n.method === 'dropneuron/runEvent' &&
    (n.params as RunEventParams).runId === runId &&
    (n.params as RunEventParams).event.type === type &&
    test(n.params as RunEventParams);

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Trainers are detached on purpose: whatever a failing test leaves training is ended here. */
const pids = new Set<number>();
after(() => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function startRun(client: TestClient, dir: string, name: string, text: string): Promise<{ uri: string; runId: string; start: StartEvent }> {
  const path = join(dir, name);
  writeFileSync(path, text);
  const uri = pathToFileURL(path).toString();
  await client.open(uri, text);
  const result = await client.connection.sendRequest(TrainRequest, { uri });
  assert.ok(result.started, JSON.stringify(result));
  const start = (await client.waitFor(runEvent(result.runId, 'start'), 120_000)).params as RunEventParams;
  assert.ok(start.event.type === 'start');
  const lock = readLock(start.event.runDir);
  if (lock) pids.add(lock.pid);
  return { uri, runId: result.runId, start: start.event };
}

describe('runs that outlive the window, and runs that die', () => {
  it('a run outlives its language server: the next one re-attaches, follows it live, and its Stop works', async () => {
    const dir = tempDir('dnn-lsp-reattach-');
    const first = new TestClient();
    await first.initialize(true, [dir]);
    const { uri, runId, start } = await startRun(first, dir, 'long.dnn', spec(200));
    await first.waitFor(runEvent(runId, 'epoch'), 120_000);
    const lock = readLock(start.runDir);
    assert.ok(lock && lock.runId === runId, `expected trainer.json to name the run, found ${JSON.stringify(lock)}`);
    assert.equal(getPriority(lock.pid), constants.priority.PRIORITY_BELOW_NORMAL, 'the trainer yields to the editor: below normal priority');
    // A window reload: the client shuts the server down, and the server exits.
    await first.close();
    await until('the first server to exit', () => (first.alive ? undefined : true));
    const logged = readEvents(start.runDir).length;
    await until('the trainer to go on without its server', () => (readEvents(start.runDir).length > logged ? true : undefined), 60_000);
    assert.ok(lockAlive(lock), 'the trainer survived its server');

    const second = new TestClient();
    await second.initialize(true, [dir]);
    try {
      const live = await until('the new server to re-attach', async () => {
        const runs = await second.connection.sendRequest(ActiveRunsRequest, {});
        return runs.length ? runs : undefined;
      });
      assert.equal(live.length, 1);
      assert.equal(live[0]!.runId, runId, 'the run keeps its id across servers');
      assert.equal(live[0]!.uri, uri);
      assert.deepEqual(
        live[0]!.events.slice(0, 2).map((e) => e.type),
        ['start', 'epoch'],
      );
      const [listed] = await second.connection.sendRequest(RunsRequest, { uri });
      assert.equal(listed?.state, 'running');
      // Followed live from its folder: a new epoch arrives as a notification.
      const seen = live[0]!.events.filter((e) => e.type === 'epoch').length;
      await second.waitFor(
        runEvent(runId, 'epoch', (p) => p.event.type === 'epoch' && p.event.epoch > seen),
        60_000,
      );
      assert.deepEqual(await second.connection.sendRequest(StopRequest, { uri }), { stopped: true });
      const done = (await second.waitFor(runEvent(runId, 'done'), 60_000)).params as RunEventParams;
      assert.ok(done.event.type === 'done' && done.event.stopped, 'stopped after the current batch, outputs written');
      const log = readEvents(start.runDir);
      assert.equal(log.at(-1)?.type, 'done', 'the run folder says it stopped');
      assert.equal((log.at(-1) as DoneEvent).stopped, true);
      await until('the lock to go', () => (existsSync(join(start.runDir, TRAINER_LOCK)) ? undefined : true));
      assert.equal((await second.connection.sendRequest(RunsRequest, { uri }))[0]?.state, 'done');
      assert.deepEqual(await second.connection.sendRequest(ActiveRunsRequest, {}), []);
    } finally {
      await second.close();
    }
  });

  it('a killed trainer is interrupted, and Resume continues it from its last checkpoint', async () => {
    const dir = tempDir('dnn-lsp-interrupt-');
    const client = new TestClient();
    await client.initialize(true, [dir]);
    try {
      const { uri, runId, start } = await startRun(client, dir, 'killed.dnn', spec(4));
      await client.waitFor(
        runEvent(runId, 'epoch', (p) => p.event.type === 'epoch' && p.event.epoch === 2),
        120_000,
      );
      process.kill(readLock(start.runDir)!.pid, 'SIGKILL');
      const crash = (await client.waitFor(runEvent(runId, 'error'), 60_000)).params as RunEventParams;
      const error = crash.event as ErrorEvent;
      assert.equal(error.kind, 'crash');
      assert.equal(error.runDir, start.runDir, 'the error names the folder to resume');
      assert.match(error.message, /was interrupted after epoch \d \(it was killed by SIGKILL\): Resume continues it from its last checkpoint/);
      assert.equal((await client.connection.sendRequest(RunsRequest, { uri }))[0]?.state, 'interrupted');

      const resumed = await client.connection.sendRequest(ResumeRequest, { runDir: start.runDir });
      assert.ok(resumed.started, JSON.stringify(resumed));
      assert.equal(resumed.uri, uri);
      const again = (await client.waitFor(runEvent(resumed.runId, 'start'), 120_000)).params as RunEventParams;
      assert.ok(
        again.event.type === 'start' && again.event.startEpoch >= 3,
        `expected to start after epoch 2's checkpoint, found ${JSON.stringify(again.event)}`,
      );
      const done = (await client.waitFor(runEvent(resumed.runId, 'done'), 120_000)).params as RunEventParams;
      assert.ok(done.event.type === 'done' && !done.event.stopped && done.event.epochsCompleted === 4);
      assert.equal((await client.connection.sendRequest(RunsRequest, { uri }))[0]?.state, 'done');
      const refused = await client.connection.sendRequest(ResumeRequest, { runDir: start.runDir });
      assert.ok(!refused.started && /has finished/.test(refused.message), JSON.stringify(refused));
    } finally {
      await client.close();
    }
  });

  it('a Node path that is wrong is one sentence naming the setting, before anything starts', async () => {
    const dir = tempDir('dnn-lsp-nodepath-');
    const client = new TestClient();
    client.settings = { trainer: { nodePath: join(dir, 'no-such-node') } };
    await client.initialize(true, [dir]);
    try {
      const path = join(dir, 'node.dnn');
      writeFileSync(path, spec(1));
      const uri = pathToFileURL(path).toString();
      await client.open(uri, spec(1));
      const missing = await client.connection.sendRequest(TrainRequest, { uri });
      assert.ok(!missing.started && missing.reason === 'settings' && missing.setting === 'dropneuron.trainer.nodePath', JSON.stringify(missing));
      assert.match(
        missing.message,
        /^The Node that dropneuron\.trainer\.nodePath names \(.*no-such-node\) does not exist: set it to a Node 20 or later, or clear it/,
      );

      // A file that is there but cannot run fails at spawn: the error event names the setting, and no run folder stays.
      const notExecutable = join(dir, 'node-not-executable');
      writeFileSync(notExecutable, 'not a program');
      client.settings = { trainer: { nodePath: notExecutable } };
      const result = await client.connection.sendRequest(TrainRequest, { uri });
      assert.ok(result.started);
      const failed = (await client.waitFor(runEvent(result.runId, 'error'))).params as RunEventParams;
      const error = failed.event as ErrorEvent;
      assert.equal(error.setting, 'dropneuron.trainer.nodePath');
      assert.match(
        error.message,
        /^The trainer could not start: the Node at .*node-not-executable cannot be run \(it is not executable\)\. Set dropneuron\.trainer\.nodePath/,
      );
      await until('the failed run to leave no folder', () => {
        const runs = join(dir, '.dropneuron', 'runs');
        return !existsSync(runs) || readdirSync(runs).length === 0 ? true : undefined;
      });
    } finally {
      await client.close();
    }
  });

  it('pruning that wrecks the model carries its damage to the client, and Shrink gets it with the sizes', async () => {
    const dir = tempDir('dnn-lsp-damage-');
    const client = new TestClient();
    await client.initialize(true, [dir]);
    try {
      const { uri, runId } = await startRun(client, dir, 'wrecked.dnn', spec(1, 0.07));
      const done = ((await client.waitFor(runEvent(runId, 'done'), 120_000)).params as RunEventParams).event as DoneEvent;
      const damage = done.summary.damage;
      assert.ok(damage, 'the done event carries the verdict');
      assert.equal(damage.threshold, 0.07);
      assert.equal(damage.tolerance, 1, 'the default tolerance is one point of accuracy');
      assert.ok(damage.exceeded && damage.cost > 1, JSON.stringify(damage));
      assert.ok(Math.abs(damage.cost - 100 * (done.summary.beforePrune - done.summary.afterPrune)) < 0.01);
      const summaryFile = JSON.parse(readFileSync(done.outputs.summary, 'utf8')) as DoneEvent['summary'];
      assert.deepEqual(summaryFile.damage, damage, 'summary.json says the same');
      const shrink = await client.connection.sendRequest(ShrinkRequest, { uri });
      assert.deepEqual(shrink.summary?.damage, damage);
    } finally {
      await client.close();
    }
  });
});
