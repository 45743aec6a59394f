/**
 * Entry of the Electron main process (`electron dist/electron/main.js`, started by electron/launch.ts or
 * an installer's executable via package.json "main"). Everything it does is in electron/app.ts, which
 * takes the electron module as an argument; this file only supplies the real one, the paths of the built
 * renderer and preload, and the compute worker shared with `isotherm serve`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ComputeWorker } from '../host/compute-worker.js';
import { RENDERER_DIR } from '../host/renderer-files.js';
import { startIsotherm } from './app.js';
import type { ElectronMain } from './electron-types.js';

const electron = createRequire(import.meta.url)('electron') as ElectronMain;
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const icon = here('../../assets/icons/512x512.png');

startIsotherm(electron, {
  rendererDir: RENDERER_DIR,
  preloadPath: here('./preload.cjs'),
  ...(existsSync(icon) ? { iconPath: icon } : {}),
  argv: process.argv,
  createWorker: (startDir) => new ComputeWorker(startDir, { onRestart: (reason) => process.stderr.write(`isotherm: ${reason}\n`) }),
});
