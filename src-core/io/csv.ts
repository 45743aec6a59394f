/**
 * CSV / TSV reader: cells as rows, a header line, features as numeric columns.
 * Rules (the command-line contract): the id column is the first column when it is named like an id
 * (cell_id, cell, barcode, obs_names, index, id, or empty) or holds text; other text columns and the
 * columns named in `obsColumns` are metadata; every other column is a feature and must be a finite number.
 * One pass over the text with a quote-aware line splitter; features go straight into a Float32Array.
 */
import { InputError } from '../errors.js';
import type { CategoricalColumn, Dataset, NumericColumn, ObsColumn } from './dataset.js';

export interface DelimitedOptions {
  /** Columns to treat as metadata even when numeric. */
  readonly obsColumns?: readonly string[];
}

const ID_NAMES = new Set(['', 'cell_id', 'cell', 'cells', 'barcode', 'barcodes', 'obs_names', 'index', 'id', 'cellid', 'cell_ids']);
/** Rows used to decide which columns are numeric before streaming the rest. */
const CLASSIFY_ROWS = 200;

export function decodeText(bytes: Uint8Array, path: string): string {
  if (bytes.length === 0) throw new InputError(path, 'the file is empty');
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new InputError(path, 'not valid UTF-8 text (is it a binary file, or saved in another encoding? re-save as UTF-8 CSV)');
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.indexOf('\u0000') >= 0) throw new InputError(path, 'contains NUL bytes: this is a binary file, not CSV/TSV text');
  return text;
}

function sniffDelimiter(headerLine: string, path: string): string {
  if (/\.tsv(\.gz)?$/i.test(path)) return '\t';
  const tabs = headerLine.split('\t').length;
  const commas = headerLine.split(',').length;
  const semis = headerLine.split(';').length;
  if (tabs >= commas && tabs >= semis && tabs > 1) return '\t';
  if (semis > commas && semis > 1) return ';';
  return ',';
}

/** Splits one record into fields (RFC 4180 quotes). Returns null when a quote is left open. */
function splitRecord(line: string, delim: string): string[] | null {
  if (line.indexOf('"') < 0) return line.split(delim);
  const out: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += c;
    } else if (c === '"') inQuotes = true;
    else if (c === delim) {
      out.push(field);
      field = '';
    } else field += c;
  }
  if (inQuotes) return null;
  out.push(field);
  return out;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

function isNumber(s: string): boolean {
  return NUMERIC.test(s.trim());
}

export function readDelimited(bytes: Uint8Array, path: string, options: DelimitedOptions = {}): Dataset {
  const text = decodeText(bytes, path);
  // Logical records: a quoted field may span lines, so join physical lines until quotes balance.
  const physical = text.split(/\r?\n/);
  let lineNo = 0;
  const nextRecord = (): { fields: string[]; line: number } | null => {
    while (lineNo < physical.length) {
      const start = lineNo;
      let rec = physical[lineNo++]!;
      if (rec.trim() === '') continue;
      let fields = splitRecord(rec, delim);
      while (fields === null && lineNo < physical.length) {
        rec += '\n' + physical[lineNo++]!;
        fields = splitRecord(rec, delim);
      }
      if (fields === null) throw new InputError(path, `line ${start + 1}: a quoted field is never closed`);
      return { fields, line: start + 1 };
    }
    return null;
  };
  let delim = ',';
  const firstNonEmpty = physical.find((l) => l.trim() !== '');
  if (firstNonEmpty === undefined) throw new InputError(path, 'the file has no header and no data (only blank lines)');
  delim = sniffDelimiter(firstNonEmpty, path);
  const header = nextRecord()!.fields.map((h) => h.trim());
  if (header.length < 2) throw new InputError(path, `the header has ${header.length} column; expected an id column and at least one feature, separated by commas or tabs`);

  const firstRows: { fields: string[]; line: number }[] = [];
  for (let r = nextRecord(); r !== null; r = firstRows.length < CLASSIFY_ROWS ? nextRecord() : null) {
    firstRows.push(r);
    if (firstRows.length >= CLASSIFY_ROWS) break;
  }
  if (firstRows.length === 0) throw new InputError(path, 'the file has a header but no data rows');
  // Some writers (pandas) leave the index column's header empty and give data rows one more field.
  for (const r of firstRows) checkWidth(r.fields, r.line);

  const nCols = header.length;
  const obsNamed = new Set(options.obsColumns ?? []);
  for (const name of obsNamed) {
    if (!header.includes(name)) throw new InputError(path, `--obs names column '${name}', which is not in the header (columns: ${header.slice(0, 8).join(', ')}${nCols > 8 ? ', ...' : ''})`);
  }
  // Classify columns on the first rows: numeric when most non-empty values parse as numbers.
  const numericVotes = new Int32Array(nCols);
  for (const r of firstRows) for (let c = 0; c < nCols; c++) if (isNumber(r.fields[c]!)) numericVotes[c]!++;
  const idName = header[0]!.toLowerCase();
  const firstColNumeric = numericVotes[0]! * 2 > firstRows.length;
  const hasIdColumn = ID_NAMES.has(idName) || (!firstColNumeric && !obsNamed.has(header[0]!));
  const kinds: ('id' | 'feature' | 'obs')[] = header.map((name, c) => {
    if (c === 0 && hasIdColumn) return 'id';
    if (obsNamed.has(name)) return 'obs';
    return numericVotes[c]! * 2 > firstRows.length ? 'feature' : 'obs';
  });
  const featureCols = kinds.flatMap((k, c) => (k === 'feature' ? [c] : []));
  const obsCols = kinds.flatMap((k, c) => (k === 'obs' ? [c] : []));
  if (featureCols.length === 0) throw new InputError(path, 'no numeric feature columns found (every column is text or named by --obs)');
  const nFeat = featureCols.length;

  let capacity = Math.max(1024, firstRows.length * 2);
  let X = new Float32Array(capacity * nFeat);
  const ids: string[] = [];
  const obsRaw: string[][] = obsCols.map(() => []);
  let nCells = 0;
  function checkWidth(fields: string[], line: number): void {
    if (fields.length !== header.length) {
      throw new InputError(path, `line ${line}: ${fields.length} fields, but the header has ${header.length} (ragged row)`);
    }
  }
  const addRow = (fields: string[], line: number): void => {
    checkWidth(fields, line);
    if (nCells === capacity) {
      capacity *= 2;
      const grown = new Float32Array(capacity * nFeat);
      grown.set(X);
      X = grown;
    }
    const base = nCells * nFeat;
    for (let f = 0; f < nFeat; f++) {
      const c = featureCols[f]!;
      const s = fields[c]!.trim();
      if (!isNumber(s)) {
        if (s === '') throw new InputError(path, `line ${line}, column '${header[c]}': missing value (features must be numbers)`);
        if (NON_FINITE.test(s)) throw new InputError(path, `line ${line}, column '${header[c]}': ${s} is not a finite number (NaN/Inf are not allowed in features)`);
        throw new InputError(path, `line ${line}, column '${header[c]}': non-numeric value '${s.slice(0, 40)}' in a numeric column (name it with --obs if it is metadata)`);
      }
      const v = Number(s);
      if (!Number.isFinite(v) || Math.abs(v) > 3.4e38) throw new InputError(path, `line ${line}, column '${header[c]}': ${s} overflows 32-bit floating point`);
      X[base + f] = v;
    }
    ids.push(hasIdColumn ? fields[0]!.trim() : `cell_${nCells + 1}`);
    for (let o = 0; o < obsCols.length; o++) obsRaw[o]!.push(fields[obsCols[o]!]!.trim());
    nCells++;
  };
  for (const r of firstRows) addRow(r.fields, r.line);
  for (let r = nextRecord(); r !== null; r = nextRecord()) addRow(r.fields, r.line);

  const seen = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) {
    const prev = seen.get(ids[i]!);
    if (prev !== undefined) throw new InputError(path, `duplicate cell id '${ids[i]}' (rows ${prev + 1} and ${i + 1}); cell ids must be unique`);
    seen.set(ids[i]!, i);
  }
  const obs: ObsColumn[] = obsCols.map((c, o) => toObsColumn(header[c]!, obsRaw[o]!));
  return {
    nCells,
    nFeatures: nFeat,
    X: { kind: 'dense', nRows: nCells, nCols: nFeat, data: X.slice(0, nCells * nFeat) },
    cellIds: ids,
    featureNames: featureCols.map((c) => header[c]!),
    obs,
    obsm: {},
    source: { path, format: delim === '\t' ? 'tsv' : 'csv', notes: [] },
  };
}

/** Numeric when every non-empty value is a number (empty → NaN); otherwise categorical in first-seen order. */
export function toObsColumn(name: string, raw: readonly string[]): ObsColumn {
  if (raw.every((s) => s === '' || isNumber(s)) && raw.some((s) => s !== '')) {
    const values = new Float64Array(raw.length);
    raw.forEach((s, i) => (values[i] = s === '' ? NaN : Number(s)));
    const col: NumericColumn = { name, kind: 'numeric', values };
    return col;
  }
  const index = new Map<string, number>();
  const codes = new Int32Array(raw.length);
  raw.forEach((s, i) => {
    if (s === '') {
      codes[i] = -1;
      return;
    }
    let k = index.get(s);
    if (k === undefined) {
      k = index.size;
      index.set(s, k);
    }
    codes[i] = k;
  });
  const col: CategoricalColumn = { name, kind: 'categorical', codes, categories: [...index.keys()], ordered: false };
  return col;
}
