/**
 * The working-memory budget (issue 13 item 4): sizes known before allocating — the m × m heat kernels
 * (m landmarks, m = n with landmarks off) and the n × m transport costs — are refused up front with an
 * InputError that names what to change, within milliseconds, instead of running out of memory; the
 * budget comes from ISOTHERM_MEMORY_BUDGET_GB or half the machine's memory.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { InputError } from '../../src-core/errors.js';
import { squaredEuclideanCost } from '../../src-core/interpolate/costs.js';
import { EmbeddingPipeline } from '../../src-core/pipeline/pipeline.js';
import { swissRoll } from '../../src-core/synthetic/swiss-roll.js';
import { HEAT_BYTES_PER_M2, setWorkingMemoryBudget, workingMemoryBudget } from '../../src-core/working-memory.js';
import { defaultMemoryBudget } from '../../host/memory-budget.js';
import { projectRoot } from '../helpers/paths.js';
import { writeRollCsv } from '../e2e/harness.js';

describe('working-memory budget', () => {
  const before = workingMemoryBudget();
  afterEach(() => setWorkingMemoryBudget(before));

  it('refuses m × m kernels beyond the budget before any stage runs', async () => {
    const n = 400;
    const roll = swissRoll(n, { dim: 3, seed: 1, noise: 0 });
    setWorkingMemoryBudget(HEAT_BYTES_PER_M2 * 300 * 300);
    const stages: string[] = [];
    const pipeline = new EmbeddingPipeline(roll.points, n, 3);
    const t0 = performance.now();
    await assert.rejects(pipeline.run({ landmarks: 'off' }, { onProgress: (e) => stages.push(e.stage) }), (e: Error) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /^landmarks: 400 landmarks \(m × m heat kernels and distances\) would need about 17\.9 MB, more than the memory budget of 10\.1 MB .*use fewer landmarks \(landmarks off means one per cell/);
      return true;
    });
    assert.ok(performance.now() - t0 < 1000);
    assert.deepEqual(stages, [], 'refused before the first stage');
    // Within the budget the same data set maps.
    const ok = await pipeline.run({ landmarks: 200 });
    assert.equal(ok.coords.length, 2 * n);
  });

  it('refuses an n × m transport cost beyond the budget before allocating it', () => {
    setWorkingMemoryBudget(1e6);
    const x = new Float64Array(500 * 2);
    assert.throws(() => squaredEuclideanCost(x, 500, x, 500, 2), (e: Error) => e instanceof InputError && /^interpolation: optimal transport between 500 and 500 cells .* would need about 6\.00 MB, more than the memory budget of 1\.00 MB/.test(e.message));
    const small = new Float64Array(100 * 2);
    assert.equal(squaredEuclideanCost(small, 100, small, 100, 2).length, 10000);
  });

  it('comes from ISOTHERM_MEMORY_BUDGET_GB, else half the machine', () => {
    assert.equal(defaultMemoryBudget({ ISOTHERM_MEMORY_BUDGET_GB: '2.5' }), 2.5e9);
    const machine = defaultMemoryBudget({});
    assert.ok(machine > 0 && machine <= totalmem() / 2 + 1, String(machine));
    assert.throws(() => defaultMemoryBudget({ ISOTHERM_MEMORY_BUDGET_GB: 'lots' }), /ISOTHERM_MEMORY_BUDGET_GB: expected a positive number of GB, got 'lots'/);
  });

  // One setting: the environment variable, or --memory-budget (which bounds the read too and wins over it).
  for (const [how, extra, env] of [
    ['ISOTHERM_MEMORY_BUDGET_GB', [], { ISOTHERM_MEMORY_BUDGET_GB: '0.5' }],
    ['--memory-budget', ['--memory-budget', '0.5'], { ISOTHERM_MEMORY_BUDGET_GB: '64' }],
  ] as const) {
    it(`the CLI refuses with exit code 2 and one line (budget from ${how})`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'isotherm-budget-'));
      try {
        writeRollCsv(join(dir, 'roll.csv'), 3000);
        const r = spawnSync(process.execPath, [join(projectRoot(), 'bin', 'isotherm.js'), 'embed', join(dir, 'roll.csv'), '-o', join(dir, 'out.csv'), '--landmarks', 'off', '-q', ...extra], {
          env: { ...process.env, ...env },
          encoding: 'utf8',
          timeout: 60_000,
        });
        assert.equal(r.status, 2, r.stderr);
        const lines = r.stderr.trim().split('\n');
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0]!, /^isotherm: landmarks: 3000 landmarks .* would need about 1\.01 GB, more than the memory budget of 500 MB \(--memory-budget or ISOTHERM_MEMORY_BUDGET_GB\)/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
