/**
 * Marks a PNG as Isotherm's: a tEXt chunk "Software" = "Isotherm" right after IHDR (isotherm-files.ts
 * recognises it, so a later export may replace the file). CRC-32 as the PNG specification defines it
 * (ISO 3309 polynomial 0xEDB88320 over chunk type and data).
 */
import { PNG_SOFTWARE } from './isotherm-files.js';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** `png` with the Software tEXt chunk inserted after IHDR (unchanged when IHDR is not where PNG puts it). */
export function markPng(png: Uint8Array): Uint8Array {
  const ihdrEnd = 8 + 4 + 4 + 13 + 4;
  if (png.length < ihdrEnd || String.fromCharCode(...png.subarray(12, 16)) !== 'IHDR') return png;
  const data = new TextEncoder().encode(`Software\0${PNG_SOFTWARE}`);
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(new TextEncoder().encode('tEXt'), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, ihdrEnd), 0);
  out.set(chunk, ihdrEnd);
  out.set(png.subarray(ihdrEnd), ihdrEnd + chunk.length);
  return out;
}
