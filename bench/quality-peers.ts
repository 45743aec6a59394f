/**
 * Peer maps (UMAP, t-SNE, PCA-2D, Isomap k = 10) for the quality bench, made by bench/peers.py under
 * Debian's /usr/bin/python3 when python3-sklearn and umap-learn import there. Bench-only: never a runtime
 * dependency, never needed by `npm test`.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './quality-sets.js';

export const PYTHON = '/usr/bin/python3';
export const PEERS = ['umap', 'tsne', 'pca2d', 'isomap'] as const;
const SCRIPT = path.join(REPO_ROOT, 'bench', 'peers.py');

/** Null when the peers can run, else a one-line reason. Also returns the versions line when available. */
export async function peersUnavailable(): Promise<{ reason: string | null; versions: string }> {
  if (!fs.existsSync(PYTHON)) return { reason: `${PYTHON} not found`, versions: '' };
  try {
    const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, '--check'], { timeout: 120_000 });
    return { reason: null, versions: stdout.trim() };
  } catch (e) {
    const out = (e as { stdout?: string }).stdout?.trim();
    return { reason: out || (e as Error).message.split('\n')[0]!, versions: '' };
  }
}

export interface PeerResult {
  readonly name: string;
  readonly file: string | null;
  readonly seconds: number | null;
  readonly error: string | null;
}

/** Runs the peers on INPUT.csv, writing OUTDIR/NAME.csv; reports each as it finishes. */
export function runPeers(inputCsv: string, outDir: string, names: readonly string[], onResult: (r: PeerResult) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('nice', [PYTHON, SCRIPT, inputCsv, outDir, names.join(',')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        const r = JSON.parse(line) as { name: string; seconds?: number; error?: string };
        onResult({ name: r.name, file: r.error ? null : path.join(outDir, `${r.name}.csv`), seconds: r.seconds ?? null, error: r.error ?? null });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`peers.py exited with ${code}: ${stderr.trim().split('\n').pop() ?? ''}`))));
  });
}

/** map_quality.py score INPUT MAP → [demap, trust], or the reason it printed instead. */
export async function exactScore(scorer: string, inputCsv: string, mapCsv: string): Promise<{ demap: number; trust: number } | { error: string }> {
  try {
    const { stdout } = await promisify(execFile)('nice', [PYTHON, scorer, 'score', inputCsv, mapCsv], { timeout: 900_000, maxBuffer: 1 << 20 });
    const [a, b] = stdout.trim().split(/\s+/).map(Number);
    if (!Number.isFinite(a) || !Number.isFinite(b)) return { error: stdout.trim() };
    return { demap: a!, trust: b! };
  } catch (e) {
    const out = (e as { stdout?: string }).stdout?.trim();
    return { error: out || (e as Error).message.split('\n')[0]! };
  }
}
