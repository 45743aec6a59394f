/**
 * Request admission for `isotherm serve`: a request (HTTP or WebSocket upgrade) is served only when its
 * path starts with the per-session token, its Host is this server on loopback (defeats DNS rebinding)
 * and its Origin, when present, is this server (defeats cross-site requests and WebSockets).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export interface Admission {
  readonly ok: boolean;
  /** The path after /<token>, e.g. '/', '/app.js', '/ws'. */
  readonly rest: string;
  readonly reason: string;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function admit(req: IncomingMessage, token: string, port: number): Admission {
  const hosts = allowedHosts(port);
  const host = req.headers.host ?? '';
  if (!hosts.has(host)) return { ok: false, rest: '', reason: `foreign Host '${host}'` };
  const origin = req.headers.origin;
  if (origin !== undefined && !(origin.startsWith('http://') && hosts.has(origin.slice('http://'.length)))) {
    return { ok: false, rest: '', reason: `foreign Origin '${origin}'` };
  }
  const url = req.url ?? '/';
  const pathOnly = url.split('?')[0]!;
  const m = /^\/([A-Za-z0-9_-]+)(\/.*)?$/.exec(pathOnly);
  if (!m || !sameToken(m[1]!, token)) return { ok: false, rest: '', reason: 'missing or wrong session token' };
  return { ok: true, rest: m[2] ?? '', reason: '' };
}
