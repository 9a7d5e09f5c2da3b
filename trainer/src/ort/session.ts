import { loadOrt, type Ort } from './runtime.ts';

export type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;
export type OrtTensor = InstanceType<Ort['Tensor']>;

/**
 * An onnxruntime session of `bytes` (a graph of graph.ts) on the CPU, its kernels on `threads` threads. Throws where
 * onnxruntime-node does not load. `spinning`: whether idle intra-op threads spin for the next kernel instead of
 * sleeping, onnxruntime's default; off here, because on a machine whose cores are shared (an editor, other jobs)
 * spinning threads took the cores from the work: LeNet-300-100's step on 2 threads took 19–33 ms spinning against
 * 7.6–18 ms not (bench:trainer --ort-threads, load ≈ 10 on 2 cores; docs/benchmarks.md).
 */
export async function openSession(bytes: Uint8Array, threads: number, spinning = false): Promise<{ ort: Ort; session: Session }> {
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Errors only: onnxruntime's warnings go to stderr, where a run's one line of failure belongs (cli).
    logSeverityLevel: 3,
    ...(spinning ? {} : { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
  });
  return { ort, session };
}
