/** Name helpers shared by the readers: scanpy-style unique names and duplicate detection. */
import { InputError } from '../errors.js';

/**
 * Makes names unique the way anndata's `make_index_unique` does: the first occurrence keeps its
 * name, later ones get `-1`, `-2`, … skipping any suffix that already exists as a name.
 * Returns the input array itself when it is already unique.
 */
export function makeUnique(names: readonly string[]): { names: readonly string[]; renamed: number } {
  const seen = new Set<string>();
  let hasDup = false;
  for (const n of names) {
    if (seen.has(n)) { hasDup = true; break; }
    seen.add(n);
  }
  if (!hasDup) return { names, renamed: 0 };
  const all = new Set(names);
  const firstSeen = new Set<string>();
  const counter = new Map<string, number>();
  const out = names.slice();
  let renamed = 0;
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    if (!firstSeen.has(v)) { firstSeen.add(v); continue; }
    let k = counter.get(v) ?? 0;
    let candidate: string;
    do { k++; candidate = `${v}-${k}`; } while (all.has(candidate));
    counter.set(v, k);
    all.add(candidate);
    out[i] = candidate;
    renamed++;
  }
  return { names: out, renamed };
}

/** Throws an InputError naming the first repeated cell id. */
export function requireUniqueCellIds(ids: readonly string[], path: string): void {
  const seen = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const prev = seen.get(id);
    if (prev !== undefined) {
      throw new InputError(path, `duplicate cell id '${id}' (rows ${prev + 1} and ${i + 1}); cell ids must be unique`);
    }
    seen.set(id, i);
  }
}

/** `prefix1`, `prefix2`, … for files that carry no names. */
export function numberedNames(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
}
