/**
 * Hostile files opened with the installed CLI (`node bin/isotherm.js embed FILE -o OUT.csv`), one
 * child process each: every one must exit with code 2 and print one line naming the file, within
 * 15 s and 1.5 GB peak memory. Peak RSS comes from /usr/bin/time -v when installed, else from the
 * child's VmHWM (kernel high-water mark) polled until it exits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../helpers/paths.js';
import * as hostile from '../helpers/hostile.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isotherm-cli-hostile-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const TIME = '/usr/bin/time';
const hasTime = fs.existsSync(TIME);

interface Run { code: number | null; stderr: string; seconds: number; peakMB: number }

function vmHwmMB(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function runCli(file: string): Promise<Run> {
  const bin = path.join(projectRoot(), 'bin', 'isotherm.js');
  const out = path.join(tmp, 'out.csv');
  const stats = path.join(tmp, `time-${path.basename(file)}.txt`);
  const args = ['embed', file, '-o', out];
  const child = hasTime
    ? spawn(TIME, ['-v', '-o', stats, process.execPath, bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const t0 = performance.now();
  let stderr = '';
  let polled = 0;
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  const poll = setInterval(() => { if (child.pid) polled = Math.max(polled, vmHwmMB(child.pid)); }, 20);
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(killer);
      const seconds = (performance.now() - t0) / 1000;
      let peakMB = polled;
      if (hasTime) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(fs.readFileSync(stats, 'utf8'));
        assert.ok(m, 'time -v reported the maximum resident set size');
        peakMB = Number(m[1]) / 1024;
        const exit = /Exit status: (\d+)/.exec(fs.readFileSync(stats, 'utf8'));
        code = exit ? Number(exit[1]) : code;
      }
      resolve({ code, stderr, seconds, peakMB });
    });
  });
}

test('hostile files: exit code 2, one line naming the file, < 15 s, < 1.5 GB peak RSS', async () => {
  const files = [
    hostile.unclosedQuoteCsv(path.join(tmp, 'unclosed.csv')),
    await hostile.lyingCscH5ad(path.join(tmp, 'lying-csc.h5ad')),
    await hostile.lyingObsH5ad(path.join(tmp, 'lying-obs.h5ad')),
    await hostile.unallocatedDenseH5ad(path.join(tmp, 'dense-40GB.h5ad')),
    hostile.gzipBomb(path.join(tmp, 'bomb.csv.gz')),
    hostile.lz4ClaimArrow(path.join(tmp, 'lz4-4GiB.arrow')),
    hostile.mtxClaimingTrillion(path.join(tmp, 'trillion.mtx')),
    hostile.zstdClaimArrow(path.join(tmp, 'zstd-4GiB.arrow')),
    await hostile.lyingObsmH5ad(path.join(tmp, 'obsm-200GB.h5ad')),
  ];
  for (const f of files) {
    const r = await runCli(f.path);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    assert.equal(r.code, 2, `${f.name}: exit code ${r.code}; stderr: ${r.stderr}`);
    assert.equal(lines.length, 1, `${f.name}: one line on stderr, got:\n${r.stderr}`);
    assert.ok(lines[0]!.startsWith(`isotherm: ${f.path}: `), `${f.name}: the line names the file: ${lines[0]}`);
    assert.match(lines[0]!, f.expect, f.name);
    assert.ok(r.seconds < 15, `${f.name}: ${r.seconds.toFixed(1)} s`);
    assert.ok(r.peakMB > 0 && r.peakMB < 1536, `${f.name}: peak RSS ${r.peakMB.toFixed(0)} MB`);
    process.stderr.write(`${f.name}: exit 2 in ${r.seconds.toFixed(1)} s, peak ${r.peakMB.toFixed(0)} MB (${hasTime ? 'time -v' : 'VmHWM'})\n`);
  }
});
