/** Text forms of numbers and labels for CSV output. */

/**
 * Shortest decimal that reads back as the same float32: 0.1 rather than 0.10000000149011612, which is
 * what String() prints for a float32 widened to float64. At most 9 significant digits are ever needed.
 */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return formatNonFinite(v);
  if (v === 0) return '0';
  for (let digits = 6; digits < 9; digits++) {
    const s = v.toPrecision(digits);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(Number(v.toPrecision(9)));
}

/** float64 values: JavaScript's shortest round-trip form; NaN (missing) becomes an empty field. */
export function formatFloat64(v: number): string {
  if (!Number.isFinite(v)) return formatNonFinite(v);
  return Object.is(v, -0) ? '0' : String(v);
}

function formatNonFinite(v: number): string {
  if (Number.isNaN(v)) return '';
  return v > 0 ? 'inf' : '-inf';
}

/** RFC 4180: quote a field containing a comma, a double quote, CR or LF; double the quotes inside. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Make column names unique by suffixing -1, -2, ... to repeats (scanpy's make-unique convention). */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let k = 1; seen.has(candidate); k++) candidate = `${name}-${k}`;
    seen.add(candidate);
    return candidate;
  });
}
