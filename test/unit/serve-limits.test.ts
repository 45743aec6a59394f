/**
 * `isotherm serve` bounds (issue 13 item 6): at most maxConnections WebSockets (more get HTTP 503), at
 * most maxPendingCalls calls waiting for the worker (more are answered with an error), and a frame that is
 * oversized, not binary or not our protocol closes its connection with the reason in the log.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { decodeMessage, encodeMessage, type ServerMessage } from '../../src-core/api-wire.js';
import { startServer, type RunningServer } from '../../cli/serve.js';
import { writeRollCsv } from '../e2e/harness.js';

function connect(server: RunningServer): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/${server.token}/ws`, { headers: { Origin: `http://127.0.0.1:${server.port}` } });
  return new Promise((ok, fail) => {
    ws.once('open', () => ok(ws));
    ws.once('error', fail);
    ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((ok) => ws.once('close', (code, reason) => ok({ code, reason: String(reason) })));
}

function call(ws: WebSocket, id: number, method: string, ...args: unknown[]): Promise<ServerMessage & { type: 'result' }> {
  return new Promise((resolve) => {
    const on = (data: Buffer): void => {
      const m = decodeMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as ServerMessage;
      if (m.id !== id || m.type !== 'result') return;
      ws.off('message', on);
      resolve(m);
    };
    ws.on('message', on);
    ws.send(encodeMessage({ type: 'call', id, method, args }));
  });
}

describe('isotherm serve: bounded connections, calls and frames', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let dir: string;
  const logs: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'isotherm-limits-'));
    writeRollCsv(join(dir, 'roll.csv'), 1500);
    server = await startServer({ port: 0, input: join(dir, 'roll.csv'), limits: { maxConnections: 2, maxPendingCalls: 1, maxFrameBytes: 4096 } }, (l) => logs.push(l));
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a connection beyond the limit with 503 and logs why', async () => {
    const a = await connect(server);
    const b = await connect(server);
    await assert.rejects(connect(server), /HTTP 503/);
    assert.ok(logs.some((l) => l.includes('refused WebSocket: 2 connections already open (at most 2)')), logs.join('\n'));
    a.close();
    b.close();
    await Promise.all([closed(a), closed(b)]);
    // A slot is free again once a page goes away.
    const c = await connect(server);
    c.close();
  });

  it('answers a call beyond the pending bound with an error, and accepts calls again once answered', async () => {
    const ws = await connect(server);
    assert.equal((await call(ws, 1, 'describe')).ok, true);
    const run = call(ws, 2, 'run', {});
    const refused = await call(ws, 3, 'describe');
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.error.message, /1 calls are already waiting \(at most 1\)/);
    assert.equal((await run).ok, true);
    assert.equal((await call(ws, 4, 'describe')).ok, true);
    ws.close();
  });

  it('closes the connection on a text frame, a malformed frame, a non-call message and an oversized frame', async () => {
    const cases: { send: (ws: WebSocket) => void; code: number; log: RegExp }[] = [
      { send: (ws) => ws.send('{"type":"call"}'), code: 1003, log: /expected binary frames/ },
      { send: (ws) => ws.send(Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4])), code: 1007, log: /malformed frame \(message header overruns the frame\)/ },
      { send: (ws) => ws.send(encodeMessage({ type: 'result', id: 1, ok: true, value: null })), code: 1007, log: /expected \{type: "call", id, method, args\}/ },
      { send: (ws) => ws.send(Buffer.alloc(8192)), code: 1009, log: /Max payload size exceeded/ },
    ];
    for (const c of cases) {
      const ws = await connect(server);
      const done = closed(ws);
      const before = logs.length;
      c.send(ws);
      const { code } = await done;
      assert.equal(code, c.code);
      // The server logs the reason (the close may reach the client just before the log line is written).
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(logs.slice(before).some((l) => c.log.test(l)), `${c.log}: ${logs.slice(before).join(' | ')}`);
    }
  });
});
