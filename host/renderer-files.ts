/**
 * The built renderer (dist/renderer) as both hosts serve it: `isotherm serve` over HTTP and the Electron
 * window over its app:// protocol. One list of files it may serve, one content-type table, one
 * Content-Security-Policy (the hosts differ only in where the page may connect).
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

/**
 * The page's policy: scripts and styles only from the page's own origin (Svelte injects component
 * styles, hence 'unsafe-inline' for styles only), images from itself, data: and blob: (PNG export),
 * no plugins, frames, forms or base changes; `connectSrc` is where it may connect.
 */
export function rendererCsp(connectSrc: string): string {
  return `default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src ${connectSrc}; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/** A file name the renderer may be asked for: flat (no folders), no leading dot, an extension. */
export function isRendererFileName(name: string): boolean {
  return /^[A-Za-z0-9_-]+(\.[A-Za-z0-9]+)+$/.test(name);
}

/** Reads one file of the built renderer; null when the name is not servable or the file is absent. */
export async function readRendererFile(name: string, dir: string = RENDERER_DIR): Promise<{ readonly body: Buffer; readonly type: string } | null> {
  if (!isRendererFileName(name)) return null;
  const body = await readFile(resolve(dir, name)).catch(() => null);
  if (body === null) return null;
  return { body, type: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream' };
}
