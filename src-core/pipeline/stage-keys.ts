/**
 * The cache key of every pipeline stage, from the parameter spec: a stage's key is the key of the stage
 * before it plus the parts of the parameters it reads (PARAMS[name].stage / .key), so a parameter change
 * reruns its stage and everything after it, and nothing before. A parameter that does not apply to a run
 * (the Chebyshev order under squaring, σ under the PHATE-like potential) adds nothing.
 */
import { PARAMS, PARAM_NAMES, type EmbedParams } from './params.js';
import { STAGES, type StageName } from './progress.js';

export type StageKeys = Readonly<Record<StageName, string>>;

/** Keys for `p` (resolved) on a data set of `n` cells. */
export function stageKeys(p: EmbedParams, n: number): StageKeys {
  const parts = Object.fromEntries(STAGES.map((s) => [s, [] as string[]])) as Record<StageName, string[]>;
  for (const name of PARAM_NAMES) {
    const spec = PARAMS[name];
    if (spec.stage === null) continue;
    const part = spec.key ? spec.key(p, n) : `${name}=${String(p[name])}`;
    if (part === null) continue;
    if (typeof part === 'string') parts[spec.stage].push(part);
    else for (const stage of STAGES) if (part[stage] !== undefined) parts[stage].push(part[stage]!);
  }
  const keys = {} as Record<StageName, string>;
  let key = '';
  for (const stage of STAGES) {
    key = `${key}|${stage}:${parts[stage].join(',')}`;
    keys[stage] = key;
  }
  return keys;
}
