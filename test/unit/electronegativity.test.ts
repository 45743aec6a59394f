/**
 * Static security scan of the Electron host with Doyensec's electronegativity (devDependency), over the
 * TypeScript sources (electron/) and the JavaScript that ships (dist/electron/, built by `npm run build`).
 * Fails on any HIGH-severity finding and on a file the scanner could not parse; prints every finding.
 *
 * Run through its programmatic runner rather than its CLI: the CLI requires `commander` without declaring
 * it and breaks when another package hoists commander ≥ 7 (here d3-dsv does). Offline-safe: it tries to
 * fetch translations (1 s timeout, then uses its bundled English), and the one check that needs the
 * network (AvailableSecurityFixesGlobalCheck: CVEs of the Electron version, from the releases feed) is
 * excluded; the Electron version is given (the electron package is not installed here).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../helpers/paths.js';

interface Finding {
  readonly id: string;
  readonly file: string;
  readonly location?: { readonly line: number; readonly column: number };
  readonly sample?: string;
  readonly description?: string;
  readonly severity?: { readonly name: string };
  readonly confidence?: { readonly name: string };
}
interface ScanResult {
  readonly issues: readonly Finding[];
  readonly errors: readonly { readonly file: string; readonly message: string; readonly tolerable: boolean }[];
}
type Runner = (options: Record<string, unknown>, forCli: boolean) => Promise<ScanResult>;

/** The Electron version electron-builder packages (package.json build.electronVersion). */
const ELECTRON_VERSION = '45.5.0';

function loadRunner(): Runner | null {
  try {
    const require = createRequire(join(projectRoot(), 'package.json'));
    return require('@doyensec/electronegativity/dist/runner.js') as Runner;
  } catch {
    return null;
  }
}

async function scan(run: Runner, input: string): Promise<ScanResult> {
  return run({
    input,
    output: undefined,
    isSarif: false,
    customScan: [],
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    severitySet: undefined,
    confidenceSet: undefined,
    isRelative: true,
    isVerbose: true,
    electronUpgrade: undefined,
    electronVersionOverride: ELECTRON_VERSION,
    parserPlugins: [],
  }, false);
}

describe('electronegativity', () => {
  const run = loadRunner();
  for (const dir of ['electron', join('dist', 'electron')]) {
    it(`finds no HIGH-severity issue in ${dir}/`, { skip: run === null ? '@doyensec/electronegativity is not installed (npm ci installs it)' : false, timeout: 120_000 }, async (t) => {
      const input = join(projectRoot(), dir);
      assert.ok(existsSync(join(input, 'app.js')) || existsSync(join(input, 'app.ts')), `${dir} holds the main process (run npm run build)`);
      const result = await scan(run!, input);
      for (const i of result.issues) {
        const line = `${i.severity?.name ?? '?'} ${i.confidence?.name ?? '?'} ${i.id} ${i.file}:${i.location?.line ?? 0} ${i.description ?? ''}${i.sample ? ` — ${i.sample.trim().slice(0, 120)}` : ''}`;
        t.diagnostic(line);
        console.log(`electronegativity: ${line}`);
      }
      for (const e of result.errors) console.log(`electronegativity: ${e.tolerable ? 'warning' : 'error'} parsing ${e.file}: ${e.message}`);
      const high = result.issues.filter((i) => i.severity?.name === 'HIGH');
      assert.deepEqual(high.map((i) => `${i.id} ${i.file}:${i.location?.line ?? 0}`), [], 'HIGH-severity findings');
      const unparsed = result.errors.filter((e) => !e.tolerable);
      assert.deepEqual(unparsed.map((e) => `${e.file}: ${e.message}`), [], 'files the scanner could not parse (so could not check)');
      // The scan did look at the window: its global checks see our CSP and navigation limits.
      assert.ok(!result.issues.some((i) => i.id === 'LIMIT_NAVIGATION_GLOBAL_CHECK'), 'navigation limits found');
      assert.ok(!result.issues.some((i) => i.id === 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK'), 'permission handler found');
    });
  }
});
