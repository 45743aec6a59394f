/**
 * One entry point for "transport these two point sets": exact OT (transportation simplex) up to
 * `exactLimit` cells per side (default 3000), log-domain Sinkhorn above it or when asked.
 */
import { exactOt } from './exact-ot.js';
import type { TransportPlan } from './plan.js';
import { sinkhornLog } from './sinkhorn.js';

export type OtMethod = 'auto' | 'exact' | 'sinkhorn';

export interface TransportOptions {
  readonly method?: OtMethod;
  /** Sinkhorn ε relative to the largest cost entry (default 0.01). */
  readonly relativeEpsilon?: number;
  readonly exactLimit?: number;
  readonly sourceWeights?: ArrayLike<number>;
  readonly targetWeights?: ArrayLike<number>;
}

export interface TransportResult {
  readonly plan: TransportPlan;
  readonly method: 'exact' | 'sinkhorn';
  /** Absolute ε used by Sinkhorn (null for exact). */
  readonly epsilon: number | null;
}

export function transport(cost: Float64Array, n: number, m: number, options: TransportOptions = {}): TransportResult {
  const method = options.method ?? 'auto';
  const limit = options.exactLimit ?? 3000;
  const weights = {
    ...(options.sourceWeights !== undefined ? { sourceWeights: options.sourceWeights } : {}),
    ...(options.targetWeights !== undefined ? { targetWeights: options.targetWeights } : {}),
  };
  if (method === 'exact' || (method === 'auto' && Math.max(n, m) <= limit)) {
    return { plan: exactOt(cost, n, m, weights), method: 'exact', epsilon: null };
  }
  let mx = 0;
  for (let k = 0; k < cost.length; k++) mx = Math.max(mx, cost[k]!);
  const eps = (options.relativeEpsilon ?? 0.01) * (mx > 0 ? mx : 1);
  return { plan: sinkhornLog(cost, n, m, eps, weights), method: 'sinkhorn', epsilon: eps };
}
