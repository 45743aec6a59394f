/**
 * Recognises files that Isotherm itself wrote, so that an export replaces one of those freely but never,
 * without the user's confirmation (the app) or `--force` (the CLI), a file it did not write. Each export
 * format carries a mark in its first bytes: the CSV headers Isotherm writes (`cell_id,x,y…` maps,
 * `cell_id` id lists, `sample,x,y,alpha…` interpolations), JSON that starts with Isotherm's `schema` or
 * `command` key, an SVG with the comment SVG_MARK, a PNG with the tEXt chunk Software=Isotherm.
 * A user's own CSV with exactly such a header would pass as Isotherm's: the header is the only mark a
 * plain CSV can carry.
 */
import { open } from 'node:fs/promises';

export const SVG_MARK = '<!-- written by Isotherm -->';
export const PNG_SOFTWARE = 'Isotherm';

const HEAD_BYTES = 4096;

async function head(path: string): Promise<Uint8Array | null> {
  const fh = await open(path, 'r').catch(() => null);
  if (!fh) return null;
  try {
    const buf = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function firstLine(text: string): string {
  const end = text.search(/\r?\n/);
  return (end < 0 ? text : text.slice(0, end)).replace(/^\uFEFF/, '');
}

/** Whether the bytes at the start of a file are one of Isotherm's exports. */
export function looksWrittenByIsotherm(bytes: Uint8Array): boolean {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return new TextDecoder('latin1').decode(bytes).includes(`tEXtSoftware\0${PNG_SOFTWARE}`);
  }
  const text = new TextDecoder().decode(bytes);
  if (text.includes(SVG_MARK)) return true;
  if (/^\{\s*"(schema)"\s*:\s*"isotherm-/.test(text) || /^\{\s*"command"\s*:\s*"(embed|interpolate|evaluate)"/.test(text)) return true;
  const line = firstLine(text);
  return /^cell_id,x,y(,|$)/.test(line) || line === 'cell_id' || /^sample,x,y,alpha(,|$)/.test(line);
}

/** True when `path` exists and was written by Isotherm; false when it does not look like it (or cannot be read). */
export async function writtenByIsotherm(path: string): Promise<boolean> {
  const bytes = await head(path);
  return bytes !== null && looksWrittenByIsotherm(bytes);
}
