/**
 * Writes test/fixtures/data/cellbench/sc_celseq2_sng_pca50.csv: the PCs Isotherm's default preprocess() makes
 * from the CellBench counts (the `cellbench3` input of `npm run bench:quality`), with each cell's line, so that
 * test/unit/disconnected-real.test.ts runs the pipeline on them without the ~5 s dense PCA of 27,683 genes.
 *   node dist/bench/cellbench-pcs.js [OUT.csv]
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDataset } from '../src-core/io/open.js';
import { preprocess } from '../src-core/preprocess/index.js';
import { REPO_ROOT } from './quality-sets.js';

const dir = path.join(REPO_ROOT, 'test', 'fixtures', 'data', 'cellbench');
const out = process.argv[2] ?? path.join(dir, 'sc_celseq2_sng_pca50.csv');
const ds = await openDataset(path.join(dir, 'sc_celseq2_sng.csv.gz'));
const line = ds.obs.find((c) => c.name === 'cell_line');
if (!line || line.kind !== 'categorical') throw new Error('sc_celseq2_sng.csv.gz: no categorical cell_line column');
const pp = preprocess(ds);
const m = pp.matrix;
const rows = ['cell_id,cell_line,' + Array.from({ length: m.nCols }, (_, j) => `PC${j + 1}`).join(',')];
for (let r = 0; r < m.nRows; r++) {
  const cell = pp.keptCells[r]!;
  const values = Array.from(m.data.subarray(r * m.nCols, (r + 1) * m.nCols), (v) => (v === 0 ? '0' : v.toPrecision(7)));
  rows.push(`${ds.cellIds[cell]},${line.categories[line.codes[cell]!]},${values.join(',')}`);
}
fs.writeFileSync(out, rows.join('\n') + '\n');
process.stdout.write(`${out}: ${m.nRows} cells × ${m.nCols} PCs\n`);
