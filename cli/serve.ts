/**
 * `isotherm serve [INPUT] [--port P]`: the app in a browser. HTTP + WebSocket on 127.0.0.1 only, behind a
 * random per-session token in the URL path (http://127.0.0.1:P/<token>/); requests without it, or from
 * another Origin/Host, get 403. Serves the built renderer (dist/renderer) and the IsothermApi protocol
 * (src-core/api-wire.ts) on /<token>/ws. Compute runs in a worker thread (host/compute-worker.ts).
 */
import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { errorInfo } from '../src-core/api-errors.js';
import { decodeMessage, encodeMessage, type ServerMessage } from '../src-core/api-wire.js';
import { InputError } from '../src-core/errors.js';
import { ComputeWorker } from '../host/compute-worker.js';
import { isRendererFileName, readRendererFile, RENDERER_DIR, rendererCsp } from '../host/renderer-files.js';
import { validateCall } from '../host/validate.js';
import { admit, newToken } from './serve-guard.js';

export interface ServeOptions {
  readonly input?: string;
  readonly port: number;
  /** Without INPUT, open the bundled demo data set at start-up (default true; `--no-demo` turns it off). */
  readonly demo?: boolean;
  /** Bounds on connections, calls and frames (default SERVE_LIMITS). */
  readonly limits?: Partial<ServeLimits>;
}

/** What one `serve` accepts at a time: more is refused, with the reason logged. */
export interface ServeLimits {
  /** Open WebSockets (a page is one; more are refused with HTTP 503). */
  readonly maxConnections: number;
  /** HTTP sockets (static files, upgrades). */
  readonly maxHttpSockets: number;
  /** Calls waiting for the compute worker, all connections together (more are answered with an error). */
  readonly maxPendingCalls: number;
  /** Largest frame; a larger one closes its connection (1009). */
  readonly maxFrameBytes: number;
}

export const SERVE_LIMITS: ServeLimits = { maxConnections: 8, maxHttpSockets: 64, maxPendingCalls: 64, maxFrameBytes: 80 * 1024 * 1024 };

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

export function parseServeArgs(argv: readonly string[]): ServeOptions {
  let port = 0;
  let input: string | undefined;
  let demo = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--no-demo') demo = false;
    else if (a === '--port' || a.startsWith('--port=')) {
      const raw = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (raw === undefined) throw new InputError('--port', 'needs a value');
      const p = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(p) || p < 0 || p > 65535) throw new InputError('--port', `expected an integer 0..65535 (0 = any free port), got '${raw}'`);
      port = p;
    } else if (a.startsWith('-') && a.length > 1) throw new InputError(a, 'unknown option (usage: isotherm serve [INPUT] [--port P] [--no-demo])');
    else if (input === undefined) input = a;
    else throw new InputError('serve', `expected at most one INPUT, got '${input}' and '${a}'`);
  }
  if (input !== undefined) {
    input = resolve(input);
    if (!existsSync(input)) throw new InputError(input, 'no such file or directory');
  }
  if (input !== undefined) return { port, input };
  return demo ? { port } : { port, demo: false };
}

function securityHeaders(res: ServerResponse, port: number): void {
  res.setHeader('Content-Security-Policy', rendererCsp(`'self' ws://127.0.0.1:${port} ws://localhost:${port}`));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('X-Frame-Options', 'DENY');
}

async function serveStatic(res: ServerResponse, rest: string): Promise<void> {
  const name = rest === '' || rest === '/' ? 'index.html' : rest.slice(1);
  if (!isRendererFileName(name)) {
    res.writeHead(404).end('not found');
    return;
  }
  const file = await readRendererFile(name);
  if (file === null) {
    const hint = name === 'index.html' ? 'the renderer is not built: run `npm run build`' : 'not found';
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(hint);
    return;
  }
  res.writeHead(200, { 'Content-Type': file.type }).end(file.body);
}

export async function startServer(options: ServeOptions, log: (line: string) => void = () => undefined): Promise<RunningServer> {
  const token = newToken();
  const limits: ServeLimits = { ...SERVE_LIMITS, ...options.limits };
  // The file browser starts in INPUT's folder, else the user's home (issue 14, trap 7).
  const worker = new ComputeWorker(options.input ? resolve(options.input, '..') : homedir(), { onRestart: (reason) => log(reason) });
  // File scope (docs/app.md): home, INPUT's folder and the folder `serve` was started in.
  worker.grant(process.cwd());
  const http = createServer();
  http.maxConnections = limits.maxHttpSockets;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes });
  let port = 0;
  let pendingCalls = 0;

  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    securityHeaders(res, port);
    const a = admit(req, token, port);
    if (!a.ok) {
      log(`refused ${req.method} ${req.url?.slice(0, 8)}…: ${a.reason}`);
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('forbidden');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (a.rest === '') {
      res.writeHead(302, { Location: `/${token}/` }).end();
      return;
    }
    serveStatic(res, a.rest).catch(() => res.writeHead(500).end());
  });

  http.on('upgrade', (req, socket, head) => {
    const a = admit(req, token, port);
    if (!a.ok || a.rest !== '/ws' || req.headers.origin === undefined) {
      log(`refused WebSocket: ${a.ok ? 'bad path or no Origin' : a.reason}`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (wss.clients.size >= limits.maxConnections) {
      log(`refused WebSocket: ${wss.clients.size} connections already open (at most ${limits.maxConnections})`);
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  const attach = (ws: WebSocket): void => {
    const send = (m: ServerMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(encodeMessage(m));
    };
    /** A frame that is not our protocol ends the connection: the page never sends one. */
    const drop = (code: number, reason: string): void => {
      log(`closed a WebSocket: ${reason}`);
      ws.close(code, reason.slice(0, 120));
    };
    // ws reports a frame over maxPayload (and other framing errors) here, then closes with 1009/1002.
    ws.on('error', (e) => log(`closed a WebSocket: ${e.message}`));
    ws.on('message', (data, isBinary) => {
      if (!isBinary) return drop(1003, 'protocol: expected binary frames');
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      let msg: { type?: unknown; id?: unknown; method?: unknown; args?: unknown };
      try {
        msg = decodeMessage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as typeof msg;
      } catch (e) {
        return drop(1007, `protocol: malformed frame (${e instanceof Error ? e.message : String(e)})`);
      }
      if (msg === null || typeof msg !== 'object' || msg.type !== 'call' || typeof msg.id !== 'number' || !Number.isInteger(msg.id)) {
        return drop(1007, 'protocol: expected {type: "call", id, method, args}');
      }
      const id = msg.id;
      try {
        if (pendingCalls >= limits.maxPendingCalls) throw new InputError('serve', `${pendingCalls} calls are already waiting (at most ${limits.maxPendingCalls}); try again when they are answered`);
        const call = validateCall(msg.method, msg.args);
        pendingCalls += 1;
        const settle = (): void => {
          pendingCalls -= 1;
        };
        worker.call(call, (event) => send({ type: 'progress', id, event })).then(
          (value) => {
            settle();
            send({ type: 'result', id, ok: true, value });
          },
          (e: unknown) => {
            settle();
            send({ type: 'result', id, ok: false, error: errorInfo(e) });
          },
        );
      } catch (e) {
        send({ type: 'result', id, ok: false, error: errorInfo(e) });
      }
    });
  };

  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(options.port, '127.0.0.1', () => ok());
  });
  port = (http.address() as AddressInfo).port;
  if (options.input) {
    const input = options.input;
    worker.call({ method: 'open', path: input, options: {} }).catch((e: unknown) => log(`could not open ${input}: ${e instanceof Error ? e.message : String(e)}`));
  } else if (options.demo !== false) {
    worker.call({ method: 'openDemo' }).catch((e: unknown) => log(`could not open the demo data set: ${e instanceof Error ? e.message : String(e)}`));
  }
  return {
    url: `http://127.0.0.1:${port}/${token}/`,
    port,
    token,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((ok) => http.close(() => ok()));
      await worker.terminate();
    },
  };
}

/** The `serve` command: starts the server and runs until interrupted. */
export async function runServe(argv: readonly string[], out: (line: string) => void, err: (line: string) => void): Promise<void> {
  const options = parseServeArgs(argv);
  if (!existsSync(resolve(RENDERER_DIR, 'index.html'))) err('isotherm: warning: the renderer is not built (run `npm run build`); the API still works');
  const server = await startServer(options, (line) => err(`isotherm serve: ${line}`));
  out(`Isotherm is running at ${server.url}`);
  out('Open that address in a browser on this machine (the token in it is the key; keep it private). Ctrl+C stops.');
  await new Promise<void>((done) => {
    const stop = (): void => {
      server.close().then(done, done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
