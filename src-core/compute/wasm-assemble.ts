/**
 * What a hand-assembled WebAssembly kernel needs besides its own instructions (wasm-sqdist.ts,
 * embed/two-step-wasm.ts): the parts of the WebAssembly API used (this project's TypeScript lib has no
 * DOM types), the binary format's encodings, and one compilation per module, cached, with null where
 * WebAssembly or the module's features are missing so that the caller falls back to JavaScript.
 */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
export type WasmModule = object;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}
export const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** Unsigned LEB128. */
export const leb = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};
export const name = (s: string): number[] => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
export const section = (id: number, bytes: number[]): number[] => [id, ...leb(bytes.length), ...bytes];
export const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
export const get = (i: number): number[] => [0x20, i];
export const set = (i: number): number[] => [0x21, i];
export const tee = (i: number): number[] => [0x22, i];
/** i32.const for 0 ≤ v < 64 (a signed LEB128 of one byte is the unsigned one there). */
export const i32c = (v: number): number[] => [0x41, ...leb(v)];
/** The module header: magic and version 1. */
export const HEADER = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0];

/** `build`'s module compiled on first use, the same one afterwards; null without WebAssembly or when it does not validate. */
export function lazyModule(build: () => Uint8Array): () => WasmModule | null {
  let compiled: WasmModule | null | undefined;
  return () => {
    if (compiled !== undefined) return compiled;
    try {
      const bytes = build();
      compiled = wasm && wasm.validate(bytes) ? new wasm.Module(bytes) : null;
    } catch {
      compiled = null;
    }
    return compiled;
  };
}
