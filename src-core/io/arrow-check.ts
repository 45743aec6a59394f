/**
 * Checks a decoded Arrow record batch against its own declared lengths before any of it is used:
 * every column has the batch's row count and buffers large enough for it (values, offsets,
 * validity bitmaps, dictionary indices), offsets never decrease and stay inside the data. A batch
 * whose length field was edited (claiming a billion rows over a few kB of buffers) is refused here,
 * before a reader sizes anything from that length.
 */
import { DataType, type Data, type RecordBatch, type Vector } from 'apache-arrow';

export class ArrowLayoutError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'ArrowLayoutError';
  }
}

function bitsIn(a: ArrayLike<unknown> | undefined | null): number {
  return a ? (a as Uint8Array).length * 8 : 0;
}

function checkOffsets(d: Data, where: string): void {
  const offs = d.valueOffsets as unknown as ArrayLike<number | bigint> | undefined;
  const need = d.offset + d.length + 1;
  if (!offs || offs.length < need) throw new ArrowLayoutError(`column '${where}': ${d.length} values need ${need} offsets, the buffer has ${offs ? offs.length : 0}`);
  const dataLen = d.values ? (d.values as Uint8Array).length : 0;
  let prev = Number(offs[d.offset]!);
  if (prev < 0) throw new ArrowLayoutError(`column '${where}': negative offset`);
  for (let i = d.offset + 1; i < need; i++) {
    const o = Number(offs[i]!);
    if (o < prev) throw new ArrowLayoutError(`column '${where}': offsets decrease at row ${i - d.offset}`);
    prev = o;
  }
  if (prev > dataLen) throw new ArrowLayoutError(`column '${where}': offsets point past the ${dataLen} bytes of data`);
}

/** Checks one column's data (recursing into dictionaries); unknown types are left to their readers. */
export function checkData(d: Data, where: string): void {
  const t = d.type as DataType;
  const end = d.offset + d.length;
  if (!(Number.isSafeInteger(d.length) && d.length >= 0 && d.offset >= 0)) throw new ArrowLayoutError(`column '${where}': invalid length ${d.length}`);
  if (d.nullBitmap && (d.nullBitmap as Uint8Array).length > 0 && bitsIn(d.nullBitmap) < end) {
    throw new ArrowLayoutError(`column '${where}': the validity bitmap covers ${bitsIn(d.nullBitmap)} rows, not ${end}`);
  }
  if (DataType.isInt(t) || DataType.isFloat(t) || DataType.isDictionary(t)) {
    const have = d.values ? (d.values as unknown as ArrayLike<unknown>).length : 0;
    const need = end * (d.stride || 1);
    if (have < need) throw new ArrowLayoutError(`column '${where}': ${d.length} rows need ${need} values, the buffer holds ${have}`);
    if (DataType.isDictionary(t)) {
      const dict = d.dictionary as Vector | undefined;
      if (!dict) throw new ArrowLayoutError(`column '${where}': dictionary missing`);
      for (const part of dict.data) checkData(part as Data, `${where} (dictionary)`);
    }
  } else if (DataType.isBool(t)) {
    if (bitsIn(d.values as unknown as Uint8Array) < end) throw new ArrowLayoutError(`column '${where}': ${d.length} booleans need ${end} bits`);
  } else if (DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isBinary(t) || DataType.isLargeBinary(t)) {
    checkOffsets(d, where);
  }
}

/** Throws ArrowLayoutError unless every column of `batch` is consistent with the batch's row count. */
export function checkBatch(batch: RecordBatch): void {
  const n = batch.numRows;
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new ArrowLayoutError(`a record batch declares ${n} rows`);
  const fields = batch.schema.fields;
  for (let j = 0; j < fields.length; j++) {
    const v = batch.getChildAt(j);
    const name = fields[j]!.name;
    if (!v) throw new ArrowLayoutError(`a record batch has no column '${name}'`);
    if (v.length !== n) throw new ArrowLayoutError(`column '${name}' has ${v.length} rows in a batch of ${n}`);
    for (const part of v.data) checkData(part as Data, name);
  }
}
