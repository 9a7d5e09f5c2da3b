import type { DoneEvent, ErrorEvent, TrainerEvent } from '../../protocol/events.ts';
import { train, type TrainOptions } from '../../trainer/src/run.ts';

/** Trains in this process (`train()`), collecting every event it sends; resolves with them and the last one. */
export async function trainCollect(options: Omit<TrainOptions, 'emit'>): Promise<{ events: TrainerEvent[]; result: DoneEvent | ErrorEvent }> {
  const events: TrainerEvent[] = [];
  const result = await train({ ...options, emit: (e) => events.push(e) });
  return { events, result };
}
