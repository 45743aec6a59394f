/**
 * "Target cluster count": the resolution γ at which Leiden finds a given number of clusters. The count
 * grows with γ but not strictly monotonically, so: bracket the target by doubling/halving γ from 1,
 * then bisect log γ. Returns the first run that hits the target, else the closest one seen.
 */
import { InputError } from '../errors.js';
import { leiden, type LeidenOptions, type LeidenResult } from './leiden.js';
import type { WeightedGraph } from './weighted-graph.js';

export interface ClusterCountResult extends LeidenResult {
  /** True when the returned partition has exactly the target count. */
  readonly exact: boolean;
  /** Each resolution tried and the count it gave, in order. */
  readonly tried: readonly { readonly resolution: number; readonly nClusters: number }[];
}

const MIN_RESOLUTION = 1 / 1024;
const MAX_RESOLUTION = 1024;

export function leidenWithClusterCount(g: WeightedGraph, target: number, options: Omit<LeidenOptions, 'resolution'> & { readonly maxRuns?: number } = {}): ClusterCountResult {
  if (!Number.isInteger(target) || target < 1 || target > g.n) throw new InputError('cluster count', `must be an integer in [1, ${g.n}], got ${target}`);
  const maxRuns = options.maxRuns ?? 30;
  const tried: { resolution: number; nClusters: number }[] = [];
  let best: LeidenResult | null = null;
  const run = (resolution: number): LeidenResult => {
    const r = leiden(g, { ...options, resolution });
    tried.push({ resolution, nClusters: r.nClusters });
    if (!best || Math.abs(r.nClusters - target) < Math.abs(best.nClusters - target)) best = r;
    return r;
  };
  const done = (): ClusterCountResult => {
    const b = best!;
    return { ...b, exact: b.nClusters === target, tried };
  };

  let gamma = 1;
  let r = run(gamma);
  if (r.nClusters === target) return done();
  // Bracket: lo gives fewer clusters than the target, hi more.
  let lo = gamma;
  let hi = gamma;
  if (r.nClusters < target) {
    while (r.nClusters < target && hi < MAX_RESOLUTION && tried.length < maxRuns) r = run((hi *= 2));
    lo = hi / 2;
  } else {
    while (r.nClusters > target && lo > MIN_RESOLUTION && tried.length < maxRuns) r = run((lo /= 2));
    hi = lo * 2;
  }
  if (r.nClusters === target) return done();
  while (tried.length < maxRuns && hi / lo > 1 + 1e-6) {
    const mid = Math.sqrt(lo * hi);
    r = run(mid);
    if (r.nClusters === target) break;
    if (r.nClusters < target) lo = mid;
    else hi = mid;
  }
  return done();
}
