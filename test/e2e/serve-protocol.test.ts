/**
 * `isotherm serve` without a browser: the token/Origin/Host guard, the wire protocol, argument
 * validation, and cancellation (a cancelled run keeps the previous map). Needs no Chromium.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { decodeMessage, encodeMessage, type ServerMessage } from '../../src-core/api-wire.js';
import { parseServeArgs } from '../../cli/serve.js';
import { validateCall } from '../../host/validate.js';
import { startServe, tempDir, writeRollCsv, type Served } from './harness.js';

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

class Client {
  readonly ws: WebSocket;
  #next = 1;
  readonly progress: string[] = [];
  constructor(url: string, origin: string) {
    this.ws = new WebSocket(url, { headers: { Origin: origin } });
  }
  opened(): Promise<void> {
    return new Promise((ok, fail) => {
      this.ws.once('open', () => ok());
      this.ws.once('error', fail);
      this.ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
    });
  }
  call(method: string, ...args: unknown[]): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      const onMessage = (data: Buffer): void => {
        const m = decodeMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as ServerMessage;
        if (m.id !== id) return;
        if (m.type === 'progress') {
          this.progress.push(`${m.event.stage}:${m.event.cached ? 'cached' : m.event.fraction}`);
          return;
        }
        this.ws.off('message', onMessage);
        if (m.ok) resolve(m.value);
        else reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
      };
      this.ws.on('message', onMessage);
      this.ws.send(encodeMessage({ type: 'call', id, method, args }));
    });
  }
}

describe('isotherm serve: access control', () => {
  let served: Served;
  let base: string;
  let origin: string;
  let empty: string;
  before(async () => {
    empty = tempDir('isotherm-serve-');
    served = await startServe(['--no-demo'], empty);
    base = served.url;
    origin = new URL(base).origin;
  });
  after(async () => {
    await served?.stop();
    if (empty) rmSync(empty, { recursive: true, force: true });
  });

  it('serves the app only under the session token, with a strict CSP', async () => {
    const ok = await get(base);
    assert.equal(ok.status, 200);
    assert.match(ok.body, /<div id="app">/);
    assert.match(String(ok.headers['content-security-policy']), /script-src 'self'/);
    assert.equal(ok.headers['referrer-policy'], 'no-referrer');
    assert.equal((await get(`${origin}/`)).status, 403);
    assert.equal((await get(`${origin}/app.js`)).status, 403);
    assert.equal((await get(`${origin}/wrongtoken1234/`)).status, 403);
    assert.equal((await get(`${base}app.js`)).status, 200);
    assert.equal((await get(`${base}..%2Fpackage.json`)).status, 404);
  });

  it('refuses foreign Origin and Host headers (cross-site requests, DNS rebinding)', async () => {
    assert.equal((await get(base, { Origin: 'http://evil.example' })).status, 403);
    assert.equal((await get(base, { Host: 'evil.example' })).status, 403);
    assert.equal((await get(base, { Origin: origin })).status, 200);
  });

  it('refuses WebSockets without the token or from another origin', async () => {
    const wsUrl = base.replace('http:', 'ws:') + 'ws';
    await assert.rejects(new Client(wsUrl, 'http://evil.example').opened(), /403/);
    await assert.rejects(new Client(`${origin.replace('http:', 'ws:')}/ws`, origin).opened(), /403/);
    await assert.rejects(new Client(`${origin.replace('http:', 'ws:')}/nottoken/ws`, origin).opened(), /403/);
    const c = new Client(wsUrl, origin);
    await c.opened();
    assert.equal(await c.call('describe'), null);
    c.ws.close();
  });
});

describe('isotherm serve: protocol', () => {
  let served: Served;
  let client: Client;
  let dir: string;
  before(async () => {
    dir = tempDir('isotherm-serve-');
    writeRollCsv(join(dir, 'roll.csv'), 300);
    served = await startServe([join(dir, 'roll.csv')], dir);
    client = new Client(served.url.replace('http:', 'ws:') + 'ws', new URL(served.url).origin);
    await client.opened();
  });
  after(async () => {
    client?.ws.close();
    await served?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens INPUT given on the command line and lists its folder', async () => {
    // describe() waits for the start-up open() of INPUT.
    const d = (await client.call('describe')) as { nCells: number; obs: { name: string }[] } | null;
    assert.equal(d?.nCells, 300);
    assert.deepEqual(d?.obs.map((c) => c.name), ['segment']);
    const files = (await client.call('listFiles')) as { dir: string; entries: { name: string }[] };
    assert.equal(files.dir, dir);
    assert.ok(files.entries.some((e) => e.name === 'roll.csv'));
  });

  it('validates arguments and names the bad one', async () => {
    await assert.rejects(client.call('run', { knn: 1 }), /params\.knn: must be between 2 and 200/);
    await assert.rejects(client.call('run', { t: 'soon' }), /params\.t: expected a number/);
    await assert.rejects(client.call('run', { preset: 'umap' }), /params\.preset: expected one of geodesic, phate, sne/);
    await assert.rejects(client.call('run', { backdoor: 1 }), /params\.backdoor: unknown parameter/);
    await assert.rejects(client.call('open', 'relative/path.csv'), /path: expected an absolute path/);
    await assert.rejects(client.call('exportCsv', join(dir, 'x.exe')), /must end in \.csv/);
    await assert.rejects(client.call('eval', 'process.exit()'), /unknown method/);
    await assert.rejects(client.call('cellInfo', -1), /row: must be between/);
    await assert.rejects(client.call('coords'), /no map yet/);
  });

  it('runs with streamed progress, reuses cached stages, and a cancelled run keeps the previous map', async () => {
    const first = (await client.call('run', {})) as { stagesRun: string[]; t: number; nPoints: number };
    assert.equal(first.nPoints, 300);
    assert.ok(client.progress.some((p) => p.startsWith('knn:')) && client.progress.some((p) => p.startsWith('extend:')));
    const coords = (await client.call('coords')) as Float32Array;
    assert.ok(coords instanceof Float32Array && coords.length === 600);

    const pending = client.call('run', { t: first.t * 3 });
    await client.call('cancel');
    await assert.rejects(pending, (e: Error) => e.name === 'CancelledError');
    assert.deepEqual(await client.call('coords'), coords, 'the cancelled run left the map as it was');

    // Only stages downstream of t run (the cancelled run may have finished and cached heat before the
    // cancel arrived: stages completed before a cancel are kept).
    const second = (await client.call('run', { t: first.t * 3 })) as { stagesRun: string[] };
    const downstream = ['heat', 'dissimilarity', 'mds', 'extend', 'refine'];
    assert.deepEqual(second.stagesRun, downstream.slice(downstream.length - second.stagesRun.length));
    assert.ok(second.stagesRun.includes('mds') && second.stagesRun.includes('extend'), second.stagesRun.join(','));
    const moved = (await client.call('coords')) as Float32Array;
    assert.notDeepEqual(moved, coords);

    // A newer run supersedes one in flight.
    const a = client.call('run', { t: first.t * 5 });
    const b = client.call('run', { t: first.t * 6 });
    await assert.rejects(a, (e: Error) => e.name === 'CancelledError');
    assert.ok(((await b) as { t: number }).t > first.t * 5.5);
  });

  it('returns colour data as typed arrays', async () => {
    const cat = (await client.call('colour', { obs: 'segment' })) as { kind: string; codes: Int32Array; categories: string[] };
    assert.equal(cat.kind, 'categorical');
    assert.ok(cat.codes instanceof Int32Array && cat.codes.length === 300);
    const gene = (await client.call('colour', { gene: 'g2' })) as { kind: string; values: Float32Array; min: number; max: number };
    assert.ok(gene.values instanceof Float32Array && gene.max > gene.min);
    await assert.rejects(client.call('colour', { gene: 'NOPE' }), /no gene or feature named 'NOPE'/);
    assert.deepEqual(await client.call('searchGenes', 'G', 3), ['g0', 'g1', 'g2']);
  });
});

describe('wire codec and call validation', () => {
  it('round-trips typed arrays inside nested values', () => {
    const msg = { a: new Float32Array([1.5, -2]), b: [new Int32Array([7, 8, 9]), 'x'], c: { d: new Uint8Array([1, 2, 3]), e: null } };
    assert.deepEqual(decodeMessage(encodeMessage(msg)), msg);
  });
  it('rejects typed-array references outside the frame', () => {
    const bytes = encodeMessage({ a: new Float32Array(2) });
    const forged = new TextEncoder().encode('{"a":{"$ta":"Float32Array","o":0,"n":1000}}');
    const frame = new Uint8Array(8 + forged.length + bytes.length);
    new DataView(frame.buffer).setUint32(0, forged.length, true);
    frame.set(forged, 4);
    assert.throws(() => decodeMessage(frame), /outside the frame/);
  });
  it('parses serve arguments', () => {
    assert.deepEqual(parseServeArgs(['--port', '8123']), { port: 8123 });
    assert.throws(() => parseServeArgs(['--port', '70000']), /--port: expected an integer 0\.\.65535/);
    assert.throws(() => parseServeArgs(['--port', 'x']), /--port/);
    assert.throws(() => parseServeArgs(['--host', '0.0.0.0']), /--host: unknown option/);
    assert.throws(() => parseServeArgs(['/no/such/file.h5ad']), /no such file/);
  });
  it('validates methods and parameters', () => {
    assert.deepEqual(validateCall('run', [{ t: 'auto', knn: 15, landmarks: 'off' }]), { method: 'run', params: { t: 'auto', knn: 15, landmarks: 'off' } });
    assert.throws(() => validateCall('exportIds', ['/tmp/a.txt', [1, 2]]), /Int32Array/);
    assert.throws(() => validateCall('open', ['/a\0b']), /NUL/);
  });
});
