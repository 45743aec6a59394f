/**
 * `npm start`: the desktop app when Electron's binary is installed; otherwise (as on machines where it
 * cannot be downloaded) one line saying so, then the same renderer through `isotherm serve` in a browser.
 */
import { createRequire } from 'node:module';
import { main } from '../cli/isotherm.js';

function electronBinary(): string | null {
  try {
    // The `electron` package exports the path of its binary, and throws when the binary is missing.
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (binary === null) {
  process.stdout.write('isotherm: Electron is not installed here; starting `isotherm serve` instead (open the URL below in a browser)\n');
  process.exitCode = await main(['serve', ...process.argv.slice(2)]);
} else {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const mainScript = fileURLToPath(new URL('./main.js', import.meta.url));
  const child = spawn(binary, [mainScript, ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => (process.exitCode = code ?? 1));
}
