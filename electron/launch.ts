/**
 * `npm start`: the desktop app when Electron's binary is installed; otherwise (as on machines where it
 * cannot be downloaded) one line saying so, then the same renderer through `isotherm serve` in a browser.
 * Either runs as a child process with this one's arguments and terminal; its exit code becomes ours.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

function electronBinary(): string | null {
  try {
    // The `electron` package exports the path of its binary, and throws when the binary is missing.
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' ? path : null;
  } catch {
    return null;
  }
}

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const binary = electronBinary();
let command: string;
let args: string[];
if (binary === null) {
  process.stdout.write('isotherm: Electron is not installed here; starting `isotherm serve` instead (open the URL below in a browser)\n');
  command = process.execPath;
  args = [here('../../bin/isotherm.js'), 'serve', ...process.argv.slice(2)];
} else {
  command = binary;
  args = [here('./main.js'), ...process.argv.slice(2)];
}
const child = spawn(command, args, { stdio: 'inherit' });
child.on('exit', (code) => (process.exitCode = code ?? 1));
// Ctrl+C reaches the child through the terminal; a signal sent to this process alone is passed on.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
