/** Locations of the project root and test fixtures, found from the compiled test file's location. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  return dir;
}

/** A real data file copied into test/fixtures/data (see its README for provenance and licences). */
export function fixtureData(...parts: string[]): string {
  return join(projectRoot(), 'test', 'fixtures', 'data', ...parts);
}
