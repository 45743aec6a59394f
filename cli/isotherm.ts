/**
 * The `isotherm` command. Exit codes: 0 ok, 1 runtime failure, 2 bad input or arguments
 * (one line naming the file or argument and the problem).
 */
import { isInputError } from '../src-core/errors.js';
import { parseEmbedArgs } from './args.js';
import { runEmbed } from './embed.js';

const USAGE = `usage: isotherm <command> [options]

commands:
  embed INPUT -o OUT.csv   heat-geodesic map of INPUT; writes OUT.csv (cell_id,x,y,metadata) and OUT.json
      --preset geodesic|phate|sne   (default geodesic)
      --knn K (10)  --decay A (40)  --t auto|T (auto)  --sigma S (1)
      --landmarks auto|off|M (auto = min(n, 1000))  --heat-method squaring|chebyshev  --order auto|K
      --pca auto|off|obsm|N  --obs COL,...  --backend auto|tensorflow|webgpu|wasm|cpu  --seed N  --quiet
      --layer NAME | --raw (.h5ad)   --genome NAME (10x)
  interpolate INPUT --time COL --from A --to B --at F -o OUT.csv
                           cells a fraction F of the way from time point A to B (OT on the map); OUT.csv + OUT.json
      --n N  --space map|pcs  --ot exact|sinkhorn|auto  --epsilon E  --obsm-key KEY  (+ the map options of embed)
  evaluate INPUT --time COL [-o OUT.json]
                           withhold each interior time point, predict it, score W1/W2/MMD against baselines
      --seeds N|LIST (5)  --withhold A,B  --all-pairs  --no-paper  --place-k K  --obsm-key KEY  (+ map options)
  serve [INPUT] [--port P] the app in a browser: prints http://127.0.0.1:P/<token>/ (loopback only)
      --no-demo            without INPUT, do not open the bundled demo (HSMM myoblasts) at start-up
  help                     this text
  version                  the version

INPUT: .csv/.tsv(.gz), .h5ad, 10x folder or .mtx(.gz), 10x .h5, .arrow/.feather/.arrows, .parquet`;

const PLANNED = new Set(['bench']);

type Print = (line: string) => void;
const stdout: Print = (s) => void process.stdout.write(s + '\n');
const stderr: Print = (s) => void process.stderr.write(s + '\n');

export async function main(argv: readonly string[], out: Print = stdout, err: Print = stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
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
        if (PLANNED.has(command)) {
          err(`isotherm: '${command}' is not available in this version yet`);
          return 2;
        }
        err(`isotherm: unknown command '${command}' (see \`isotherm help\`)`);
        return 2;
    }
  } catch (e) {
    if (isInputError(e)) {
      err(`isotherm: ${e.message}`);
      return 2;
    }
    err(`isotherm: failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
