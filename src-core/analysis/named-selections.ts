/**
 * Named selections ↔ one categorical obs column, so selections travel through every export (CSV, h5ad,
 * Arrow, sidecar) as an ordinary column and come back when the bundle is reopened.
 *
 * Rule for a cell in several selections ('later-wins', default): the selection listed last wins, as
 * when painting layers; the column cannot say the cell was also in the earlier ones (the inverse then
 * returns it in the last one only). With 'several', such a cell gets the category "several" instead.
 * Cells in no selection get the category "unassigned" (a real category, not a missing value, so every
 * format writes it as text). Categories: the selection names in their order, then "several" (only
 * with that rule), then "unassigned".
 */
import { InputError } from '../errors.js';
import type { CategoricalColumn } from '../io/dataset.js';

export interface NamedSelection {
  readonly name: string;
  /** Map rows (cells) in the selection; duplicates count once. */
  readonly rows: ArrayLike<number>;
}

export type OverlapRule = 'later-wins' | 'several';

export interface SelectionLabels {
  readonly unassigned?: string;
  readonly several?: string;
}

export interface SelectionColumnOptions extends SelectionLabels {
  readonly overlap?: OverlapRule;
}

export interface SelectionColumn {
  readonly column: CategoricalColumn;
  /** Cells listed in more than one selection. */
  readonly overlapping: number;
}

export const UNASSIGNED = 'unassigned';
export const SEVERAL = 'several';

export function selectionsToColumn(columnName: string, selections: readonly NamedSelection[], nRows: number, options: SelectionColumnOptions = {}): SelectionColumn {
  const rule = options.overlap ?? 'later-wins';
  const unassigned = options.unassigned ?? UNASSIGNED;
  const several = options.several ?? SEVERAL;
  if (!columnName.trim()) throw new InputError('selections', 'the column needs a name');
  if (!Number.isInteger(nRows) || nRows < 0) throw new InputError('selections', `cell count ${nRows} is not a non-negative integer`);
  const reserved = rule === 'several' ? [unassigned, several] : [unassigned];
  const seen = new Set<string>();
  for (const s of selections) {
    const name = s.name.trim();
    if (!name) throw new InputError('selections', 'a selection has an empty name');
    if (name !== s.name) throw new InputError('selections', `selection name "${s.name}" starts or ends with spaces`);
    if (reserved.includes(name)) throw new InputError('selections', `"${name}" is reserved for cells ${name === unassigned ? 'in no selection' : 'in several selections'}`);
    if (seen.has(name)) throw new InputError('selections', `two selections are named "${name}"`);
    seen.add(name);
  }
  const k = selections.length;
  const severalCode = rule === 'several' ? k : -1;
  const unassignedCode = rule === 'several' ? k + 1 : k;
  const codes = new Int32Array(nRows).fill(unassignedCode);
  // stamp[r] = index of the last selection that listed r (so duplicates inside one selection count once)
  const stamp = new Int32Array(nRows).fill(-1);
  const multiple = new Uint8Array(nRows);
  let overlapping = 0;
  selections.forEach((s, si) => {
    for (let q = 0; q < s.rows.length; q++) {
      const r = s.rows[q]!;
      if (!Number.isInteger(r) || r < 0 || r >= nRows) throw new InputError('selections', `selection "${s.name}" has row ${r} outside the ${nRows} cells`);
      if (stamp[r] === si) continue;
      if (stamp[r] !== -1 && !multiple[r]) {
        multiple[r] = 1;
        overlapping++;
      }
      codes[r] = multiple[r] && rule === 'several' ? severalCode : si;
      stamp[r] = si;
    }
  });
  const categories = selections.map((s) => s.name);
  if (rule === 'several') categories.push(several);
  categories.push(unassigned);
  return { column: { name: columnName, kind: 'categorical', codes, categories, ordered: false }, overlapping };
}

/**
 * The selections stored in a categorical column: one per category except "unassigned" and "several"
 * (missing codes, -1, are unassigned), in category order; a category with no cells gives an empty
 * selection, so a name survives the round trip.
 */
export function columnToSelections(column: CategoricalColumn, labels: SelectionLabels = {}): NamedSelection[] {
  const skip = new Set([labels.unassigned ?? UNASSIGNED, labels.several ?? SEVERAL]);
  const k = column.categories.length;
  const counts = new Int32Array(k);
  for (const c of column.codes) {
    if (c >= k) throw new InputError(column.name, `code ${c} has no category (there are ${k})`);
    if (c >= 0) counts[c]!++;
  }
  const out: NamedSelection[] = [];
  column.categories.forEach((name, c) => {
    if (skip.has(name)) return;
    const rows = new Int32Array(counts[c]!);
    let w = 0;
    for (let r = 0; r < column.codes.length; r++) if (column.codes[r] === c) rows[w++] = r;
    out.push({ name, rows });
  });
  return out;
}
