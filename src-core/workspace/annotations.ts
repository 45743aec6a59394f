/**
 * Columns the app adds to a data set while it is open — Leiden clusters, named selections, a gene-set score — kept beside
 * the file's own metadata (which is never changed). They are indexed by data set row like any obs column
 * (cells outside the map: missing, code −1), so colour-by, the tooltip, the time panel and every export
 * treat them as ordinary columns. A workspace and the subsets re-embedded from it share one store.
 */
import type { CategoricalColumn, NumericColumn, ObsColumn } from '../io/dataset.js';

export class AnnotationStore {
  readonly #columns = new Map<string, ObsColumn>();
  readonly #notes = new Map<string, string>();

  /** Adds or replaces the column of that name; `note` says how it was made (for the sidecar). */
  set(column: ObsColumn, note: string): void {
    this.#columns.set(column.name, column);
    this.#notes.set(column.name, note);
  }

  delete(name: string): void {
    this.#columns.delete(name);
    this.#notes.delete(name);
  }

  /** One line per added column, e.g. for an export's sidecar notes. */
  get notes(): string[] {
    return [...this.#notes].map(([name, note]) => `column '${name}': ${note}`);
  }

  get columns(): readonly ObsColumn[] {
    return [...this.#columns.values()];
  }

  /** The file's columns followed by the added ones. */
  obsWith(fileObs: readonly ObsColumn[]): readonly ObsColumn[] {
    return this.#columns.size === 0 ? fileObs : [...fileObs, ...this.#columns.values()];
  }
}

/**
 * A name for an added column that no column of the file has: `wanted`, else `wanted_isotherm`, … so a
 * file's own "leiden" column is never shadowed.
 */
export function freeColumnName(wanted: string, fileObs: readonly ObsColumn[]): string {
  const taken = new Set(fileObs.map((c) => c.name));
  let name = wanted;
  for (let k = 2; taken.has(name); k++) name = k === 2 ? `${wanted}_isotherm` : `${wanted}_isotherm${k}`;
  return name;
}

/**
 * Labels of map rows (0..k−1, codes into `categories`, −1 = none) as a column over the data set's rows
 * (`keptCells[r]` is the data set row of map row r); cells not on the map are missing.
 */
export function mapRowsColumn(name: string, mapCodes: Int32Array, categories: readonly string[], keptCells: Int32Array, nCells: number): CategoricalColumn {
  const codes = new Int32Array(nCells).fill(-1);
  for (let r = 0; r < mapCodes.length; r++) codes[keptCells[r]!] = mapCodes[r]!;
  return { name, kind: 'categorical', codes, categories: [...categories], ordered: false };
}

/** Values of map rows as a numeric column over the data set's rows (cells not on the map: NaN, missing). */
export function mapRowsNumericColumn(name: string, mapValues: Float32Array, keptCells: Int32Array, nCells: number): NumericColumn {
  const values = new Float64Array(nCells).fill(NaN);
  for (let r = 0; r < mapValues.length; r++) values[keptCells[r]!] = mapValues[r]!;
  return { name, kind: 'numeric', values };
}
