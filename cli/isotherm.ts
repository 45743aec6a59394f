/**
 * The `isotherm` command. Exit codes: 0 ok, 1 runtime failure, 2 bad input or arguments
 * (one line naming the file or argument and the problem).
 */
import { DegenerateMapError } from '../src-core/embed/map-check.js';
import { isInputError } from '../src-core/errors.js';
import { PCA_PARAM } from '../src-core/pipeline/params.js';
import { paramUsage } from '../src-core/pipeline/param-values.js';
import { parseEmbedArgs } from './args.js';
import { runEmbed } from './embed.js';
import { installNodeEngines } from '../src-core/compute/node-engines.js';
import { installMemoryBudget } from '../host/memory-budget.js';

const USAGE = [
  'usage: isotherm <command> [options]',
  '',
  'commands:',
  '  embed INPUT -o OUT.csv   heat-geodesic map of INPUT; writes OUT.csv (cell_id,x,y,metadata) and OUT.json',
  '  interpolate INPUT --time COL --from A --to B --at F -o OUT.csv',
  '                           cells a fraction F of the way from time point A to B (OT on the map); OUT.csv + OUT.json',
  '      --n N  --space map|pcs  --ot exact|sinkhorn|auto  --epsilon E  --obsm-key KEY  (+ the map options)',
  '  evaluate INPUT --time COL [-o OUT.json]',
  '                           withhold each interior time point, predict it, score W1/W2/MMD against baselines',
  '      --seeds N|LIST (5)  --withhold A,B  --all-pairs  --no-paper  --place-k K  --obsm-key KEY  (+ the map options)',
  '  serve [INPUT] [--port P] the app in a browser: prints http://127.0.0.1:P/<token>/ (loopback only)',
  '      --no-demo            without INPUT, do not open the bundled demo (HSMM myoblasts) at start-up',
  '  help                     this text',
  '  version                  the version',
  '',
  'map options (embed, interpolate, evaluate):',
  ...paramUsage('      '),
  `      ${'--pca auto|off|obsm|N'.padEnd(34)} ${PCA_PARAM.help} (default ${PCA_PARAM.default})`,
  `      ${'--obs COL,...'.padEnd(34)} columns of a wide table (CSV, Arrow, Parquet) that are metadata even when numeric`,
  `      ${'--layer NAME | --raw'.padEnd(34)} .h5ad: read layers/NAME, or raw/X, instead of X`,
  `      ${'--genome NAME'.padEnd(34)} 10x: which genome`,
  `      ${'--memory-budget GB'.padEnd(34)} most memory reading INPUT and computing may take (default: ISOTHERM_MEMORY_BUDGET_GB, else half of this machine's)`,
  `      ${'--quiet, -q'.padEnd(34)} no progress lines`,
  `      ${'--force'.padEnd(34)} replace output files that exist and were not written by Isotherm (refused otherwise)`,
  '',
  'INPUT: .csv/.tsv(.gz), .h5ad, 10x folder or .mtx(.gz), 10x .h5, .arrow/.feather/.arrows, .parquet',
  'environment: ISOTHERM_MEMORY_BUDGET_GB  most memory a read, a map or an interpolation may take (default: half of this machine\'s; --memory-budget wins);',
  '             larger landmark counts or transport problems are refused before they start',
].join('\n');

type Print = (line: string) => void;
const stdout: Print = (s) => void process.stdout.write(s + '\n');
const stderr: Print = (s) => void process.stderr.write(s + '\n');

export async function main(argv: readonly string[], out: Print = stdout, err: Print = stderr): Promise<number> {
  const [command, ...rest] = argv;
  installNodeEngines(); // the CLI is a Node host: it lends the core helper threads and WebGPU
  try {
    // Sizes known in advance (m² kernels, OT cost matrices) are refused beyond it, not run out of memory.
    installMemoryBudget();
    switch (command) {
      case 'embed':
        await runEmbed(parseEmbedArgs(rest), err);
        return 0;
      case 'interpolate': {
        const { runInterpolate } = await import('./interpolate.js');
        await runInterpolate(rest, out, err);
        return 0;
      }
      case 'evaluate': {
        const { runEvaluate } = await import('./evaluate.js');
        await runEvaluate(rest, out, err);
        return 0;
      }
      case 'serve': {
        const { runServe } = await import('./serve.js');
        await runServe(rest, out, err);
        return 0;
      }
      case 'help':
      case '--help':
      case '-h':
        out(USAGE);
        return 0;
      case 'version':
      case '--version': {
        const { isothermVersion } = await import('../src-core/export/index.js');
        out(await isothermVersion());
        return 0;
      }
      case undefined:
        err(USAGE);
        return 2;
      default:
        err(`isotherm: unknown command '${command}' (see \`isotherm help\`)`);
        return 2;
    }
  } catch (e) {
    if (isInputError(e)) {
      err(`isotherm: ${e.message}`);
      return 2;
    }
    if (e instanceof DegenerateMapError) {
      // Never a CSV of empty or identical coordinates: one line naming the stage, nothing written.
      err(`isotherm: ${e.message}; no map was written`);
      return 1;
    }
    err(`isotherm: failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
