/** A CSV file as header → column values (RFC 4180 quoting), for the e2e tests that check exports. */
import { readFileSync } from 'node:fs';

export function readCsv(path: string): Map<string, string[]> {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const split = (line: string): string[] => {
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
    }
    out.push(cur);
    return out;
  };
  const header = split(lines[0]!);
  const cols = new Map(header.map((h) => [h, [] as string[]]));
  for (const line of lines.slice(1)) split(line).forEach((v, j) => cols.get(header[j]!)!.push(v));
  return cols;
}

/** How often each value occurs. */
export function tally(values: readonly string[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const v of values) t[v] = (t[v] ?? 0) + 1;
  return t;
}
