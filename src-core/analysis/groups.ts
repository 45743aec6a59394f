/**
 * Two disjoint groups of matrix rows (cells) for a comparison: A, and B = a second selection or every
 * other row. Rows are sets: a row listed twice counts once. Overlapping groups, empty groups and rows
 * outside the matrix are InputErrors (the host shows them; nothing is silently dropped).
 */
import { InputError } from '../errors.js';

export interface RowGroups {
  /** 1 for rows in A, 2 for rows in B, 0 for rows in neither. */
  readonly membership: Uint8Array;
  readonly rowsA: Int32Array;
  readonly rowsB: Int32Array;
}

export function rowGroups(nRows: number, a: ArrayLike<number>, b: ArrayLike<number> | null): RowGroups {
  const membership = new Uint8Array(nRows);
  const mark = (rows: ArrayLike<number>, tag: 1 | 2, what: string): Int32Array => {
    let count = 0;
    for (let q = 0; q < rows.length; q++) {
      const r = rows[q]!;
      if (!Number.isInteger(r) || r < 0 || r >= nRows) throw new InputError(what, `row ${r} is outside the ${nRows} cells`);
      if (membership[r] === tag) continue;
      if (membership[r] !== 0) throw new InputError(what, `cell ${r} is in both groups; the groups must not overlap`);
      membership[r] = tag;
      count++;
    }
    if (count === 0) throw new InputError(what, 'is empty');
    const out = new Int32Array(count);
    let w = 0;
    for (let r = 0; r < nRows; r++) if (membership[r] === tag) out[w++] = r;
    return out;
  };
  const rowsA = mark(a, 1, 'selection');
  let rowsB: Int32Array;
  if (b) rowsB = mark(b, 2, 'second selection');
  else {
    let count = 0;
    for (let r = 0; r < nRows; r++) if (membership[r] === 0) count++;
    if (count === 0) throw new InputError('selection', 'covers every cell: there is no rest to compare with');
    rowsB = new Int32Array(count);
    let w = 0;
    for (let r = 0; r < nRows; r++) if (membership[r] === 0) {
      membership[r] = 2;
      rowsB[w++] = r;
    }
  }
  return { membership, rowsA, rowsB };
}
