/**
 * The preload of Isotherm's window (sandboxed, context-isolated). A sandboxed preload must be one
 * CommonJS file that requires nothing but 'electron': `npm run build:preload` bundles this entry with
 * esbuild into dist/electron/preload.cjs. (tsc also emits an ESM copy, preload.js, which is not used.)
 */
import type { ElectronPreload } from './electron-types.js';
import { installPreload, type DropTarget } from './preload-bridge.js';

installPreload(require('electron') as ElectronPreload, globalThis as unknown as DropTarget);
