#!/usr/bin/env node
// Thin launcher: the CLI is written in TypeScript and compiled to dist/ by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const entry = new URL('../dist/cli/isotherm.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('isotherm: not built yet: run `npm run build` in the project folder first\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
