/**
 * The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian header length,
 * a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian data. Only the
 * two dtypes the export writes: F32 weights and I64 indices.
 */

export type SafeTensor = { name: string; shape: number[] } & ({ dtype: 'F32'; data: Float32Array } | { dtype: 'I64'; data: BigInt64Array });

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const BYTES = { F32: 4, I64: 8 } as const;

/** The file's bytes. Tensors keep their order; the header is padded with spaces to 8 bytes, so that every tensor starts aligned. */
export function encodeSafetensors(tensors: readonly SafeTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`expected ${count} values for tensor ${t.name} of shape [${t.shape.join(', ')}], found ${t.data.length}`);
    if (t.name in header) throw new Error(`expected unique tensor names, found ${t.name} twice`);
    const bytes = count * BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  if (json.length % 8) json = Buffer.concat([json, Buffer.alloc(8 - (json.length % 8), ' ')]);
  const out = Buffer.alloc(8 + json.length + offset);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  let at = 8 + json.length;
  for (const t of tensors) {
    // Written value by value: little-endian whatever the machine's byte order.
    if (t.dtype === 'F32') for (const v of t.data) at = out.writeFloatLE(v, at);
    else for (const v of t.data) at = out.writeBigInt64LE(v, at);
  }
  return out;
}

/** Reads a safetensors file's tensors (F32 and I64) and metadata; throws one sentence on a malformed file. */
export function decodeSafetensors(bytes: Uint8Array): { tensors: Map<string, SafeTensor>; metadata: Record<string, string> } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 8) throw new Error(`expected a safetensors file of at least 8 bytes, found ${buffer.length}`);
  const length = Number(buffer.readBigUInt64LE(0));
  if (8 + length > buffer.length) throw new Error(`expected a header of ${length} bytes, found a file of ${buffer.length}`);
  const header = JSON.parse(buffer.subarray(8, 8 + length).toString('utf8')) as Record<string, HeaderEntry | Record<string, string>>;
  const base = 8 + length;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const {
      dtype,
      shape,
      data_offsets: [begin, end],
    } = entry as HeaderEntry;
    if (dtype !== 'F32' && dtype !== 'I64') throw new Error(`expected tensor ${name} as F32 or I64, found ${dtype}`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * BYTES[dtype] || base + end > buffer.length)
      throw new Error(`expected tensor ${name} in bytes ${begin}..${end} of the data, found it out of range`);
    const at = (i: number): number => base + begin + i * BYTES[dtype];
    if (dtype === 'F32') tensors.set(name, { name, dtype, shape, data: Float32Array.from({ length: count }, (_, i) => buffer.readFloatLE(at(i))) });
    else tensors.set(name, { name, dtype, shape, data: BigInt64Array.from({ length: count }, (_, i) => buffer.readBigInt64LE(at(i))) });
  }
  return { tensors, metadata };
}
