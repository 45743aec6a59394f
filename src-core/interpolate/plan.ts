/**
 * A transport plan between two weighted point sets, stored sparsely: entry e moves `mass[e]` from
 * source `source[e]` to target `target[e]`. Exact plans have at most n + m − 1 entries (a basic
 * solution); entropic plans are thresholded to the entries that carry mass.
 */
export interface TransportPlan {
  readonly nSource: number;
  readonly nTarget: number;
  readonly source: Int32Array;
  readonly target: Int32Array;
  readonly mass: Float64Array;
  /** Σ_e mass[e] · C[source[e], target[e]] for the cost matrix the plan was computed with. */
  readonly cost: number;
}

/** Collects a plan's entries one by one (exact and entropic solvers alike). */
export class PlanEntries {
  readonly #source: number[] = [];
  readonly #target: number[] = [];
  readonly #mass: number[] = [];

  push(source: number, target: number, mass: number): void {
    this.#source.push(source);
    this.#target.push(target);
    this.#mass.push(mass);
  }

  plan(nSource: number, nTarget: number, cost: number): TransportPlan {
    return { nSource, nTarget, source: Int32Array.from(this.#source), target: Int32Array.from(this.#target), mass: Float64Array.from(this.#mass), cost };
  }
}

/** Uniform weights 1/n. */
export function uniformWeights(n: number): Float64Array {
  return new Float64Array(n).fill(1 / n);
}

/** Checks weights (finite, ≥ 0, positive total) and returns them normalised to sum 1. */
export function normalisedWeights(w: ArrayLike<number> | undefined, n: number, what: string): Float64Array {
  if (w === undefined) return uniformWeights(n);
  if (w.length !== n) throw new Error(`${what}: expected ${n} weights, got ${w.length}`);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i]!;
    if (!Number.isFinite(v) || v < 0) throw new Error(`${what}: weight ${i} is ${v}; weights must be finite and ≥ 0`);
    s += v;
  }
  if (!(s > 0)) throw new Error(`${what}: weights sum to ${s}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = w[i]! / s;
  return out;
}

/** Row and column sums of a plan (for checks and tests). */
export function planMarginals(plan: TransportPlan): { rows: Float64Array; cols: Float64Array } {
  const rows = new Float64Array(plan.nSource);
  const cols = new Float64Array(plan.nTarget);
  for (let e = 0; e < plan.mass.length; e++) {
    rows[plan.source[e]!]! += plan.mass[e]!;
    cols[plan.target[e]!]! += plan.mass[e]!;
  }
  return { rows, cols };
}
