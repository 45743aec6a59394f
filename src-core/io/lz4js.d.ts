// Local types for lz4js 0.2 (the package ships none). Only what the Arrow codec uses.
declare module 'lz4js' {
  /** Decompresses one LZ4 frame; returns the decoded bytes (a plain array on some paths). */
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array | number[];
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array | number[];
  const lz4: { decompress: typeof decompress; compress: typeof compress };
  export default lz4;
}
