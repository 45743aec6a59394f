/**
 * The Electron window's security (Electron's checklist, https://www.electronjs.org/docs/latest/tutorial/security):
 * only our own files over app://isotherm (served from dist/renderer, flat names only) with a strict
 * Content-Security-Policy on every response; navigation, redirects, new windows and <webview> refused;
 * every permission denied.
 */
import { readRendererFile, rendererCsp } from '../host/renderer-files.js';
import type { NavigationEvent, Session, WebContents } from './electron-types.js';
import { APP_ORIGIN } from './ipc-validate.js';

export { APP_ORIGIN } from './ipc-validate.js';
export const APP_SCHEME = 'app';
export const APP_URL = `${APP_ORIGIN}/index.html`;
/** The page may connect nowhere: it reaches the main process only through the preload's IPC. */
export const CSP = rendererCsp("'none'");

/** Hardening applied to every WebContents the app creates (the window, and anything that might appear). */
export function hardenContents(contents: WebContents, log: (line: string) => void): void {
  contents.on('will-navigate', (e: NavigationEvent, url: string) => {
    e.preventDefault();
    log(`blocked navigation to ${url.slice(0, 200)}`);
  });
  contents.on('will-redirect', (e: NavigationEvent, url: string) => {
    e.preventDefault();
    log(`blocked redirect to ${url.slice(0, 200)}`);
  });
  contents.on('will-attach-webview', (e: NavigationEvent) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    log(`denied a new window for ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
}

/** CSP on every response the session sees, and no permission (camera, notifications, …) for anyone. */
export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(details.responseHeaders ?? {})) if (k.toLowerCase() !== 'content-security-policy') headers[k] = v;
    headers['Content-Security-Policy'] = [CSP];
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** The app:// protocol: files of dist/renderer by flat name, with the CSP; everything else is 404. */
export async function serveAppRequest(request: Request, rendererDir: string): Promise<Response> {
  const notFound = (): Response => new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': CSP } });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return notFound();
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== 'isotherm' || request.method !== 'GET') return notFound();
  const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
  const file = await readRendererFile(name, rendererDir);
  if (file === null) return notFound();
  return new Response(new Uint8Array(file.body), {
    status: 200,
    headers: { 'Content-Type': file.type, 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' },
  });
}
