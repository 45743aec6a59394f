/**
 * One `npm run bench:scale` case in its own process (so that the peak RSS is this run's): runs
 * `isotherm embed ARGS...` in-process and prints one JSON line with the exit code and peak RSS.
 * Usage: node dist/bench/scale-case.js embed INPUT -o OUT.csv [options]
 */
import { main } from '../cli/isotherm.js';

const code = await main(process.argv.slice(2), () => {}, (line) => void process.stderr.write(line + '\n'));
process.stdout.write(JSON.stringify({ code, peakRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
process.exitCode = code;
