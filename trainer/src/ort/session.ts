import { loadOrt, type Ort } from './runtime.ts';

export type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;
export type OrtTensor = InstanceType<Ort['Tensor']>;

/** An onnxruntime session of `bytes` (a graph of graph.ts) on the CPU, its kernels on `threads` threads. Throws where onnxruntime-node does not load. */
export async function openSession(bytes: Uint8Array, threads: number): Promise<{ ort: Ort; session: Session }> {
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Errors only: onnxruntime's warnings go to stderr, where a run's one line of failure belongs (cli).
    logSeverityLevel: 3,
  });
  return { ort, session };
}
