/**
 * One `npm run bench:scale` case in its own process (so that the peak RSS is this run's): runs
 * `isotherm embed ARGS...` in-process and prints one JSON line with the exit code, peak RSS and CPU time.
 * Usage: node dist/bench/scale-case.js embed INPUT -o OUT.csv [options]
 */
import { main } from '../cli/isotherm.js';

const code = await main(process.argv.slice(2), () => {}, (line) => void process.stderr.write(line + '\n'));
const cpu = process.cpuUsage(); // all threads of this process: the work done, whatever else the machine runs
process.stdout.write(JSON.stringify({ code, peakRssMb: process.resourceUsage().maxRSS / 1024, cpuSeconds: (cpu.user + cpu.system) / 1e6 }) + '\n');
process.exitCode = code;
