/**
 * Entropic optimal transport by Sinkhorn iterations in the log domain, with ε-scaling.
 *
 *   min_P ⟨P, C⟩ + ε KL(P ‖ a⊗b)   s.t. P1 = a, Pᵀ1 = b,
 *   P_ij = a_i b_j exp((f_i + g_j − C_ij) / ε),
 *   f_i ← −ε log Σ_j b_j exp((g_j − C_ij) / ε),   g_j ← −ε log Σ_i a_i exp((f_i − C_ij) / ε).
 *
 * The potentials f, g stay O(max C) however small ε is, and every log-sum-exp subtracts its maximum,
 * so nothing under- or overflows (the scaling-vector form exp(f/ε) overflows below ε ≈ max C / 700).
 * ε-scaling: the first stage runs at ε₀ = max|C| and ε is multiplied by `scaling` (default 0.5) until it
 * reaches the target, warm-starting the potentials; only the last stage runs to the tolerance.
 *
 * Accuracy (for the tests and callers): with KL relative to a⊗b, the plan's transport cost satisfies
 *   OT(C) ≤ ⟨P_ε, C⟩ ≤ OT(C) + ε · min(H(a), H(b))       (H = Shannon entropy, ≤ log min(n, m))
 * up to the marginal error δ = ‖P1 − a‖₁ of the stopped iteration (which moves the cost by ≤ δ·max|C|),
 * and ⟨P_ε, C⟩ is non-decreasing in ε.
 */
import { normalisedWeights, PlanEntries, type TransportPlan } from './plan.js';

export interface SinkhornOptions {
  readonly sourceWeights?: ArrayLike<number>;
  readonly targetWeights?: ArrayLike<number>;
  /** Stop when ‖P1 − a‖₁ ≤ tol after a g-update (columns are then exact). Default 1e-9. */
  readonly tol?: number;
  /** Iteration cap for the final ε (default 20 000) and for each intermediate stage (default 200). */
  readonly maxIterations?: number;
  readonly stageIterations?: number;
  /** Multiply ε by this at each stage (0 < scaling < 1, default 0.5); 1 disables ε-scaling. */
  readonly scaling?: number;
  /** Entries of the plan below this mass are left out of the sparse plan (default 1e-12). */
  readonly dropBelow?: number;
}

export interface SinkhornResult extends TransportPlan {
  readonly epsilon: number;
  /** ⟨P, C⟩ over the full (not thresholded) plan. Same as `cost`. */
  readonly transportCost: number;
  /** ⟨P, C⟩ + ε KL(P ‖ a⊗b): the entropic objective. */
  readonly entropicCost: number;
  readonly marginalError: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly f: Float64Array;
  readonly g: Float64Array;
}

export function sinkhornLog(cost: ArrayLike<number>, n: number, m: number, epsilon: number, options: SinkhornOptions = {}): SinkhornResult {
  if (cost.length !== n * m) throw new Error(`sinkhornLog: cost has ${cost.length} entries, expected ${n * m}`);
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new Error(`sinkhornLog: ε must be positive, got ${epsilon}`);
  const C = cost instanceof Float64Array ? cost : Float64Array.from(cost);
  const a = normalisedWeights(options.sourceWeights, n, 'sinkhorn source');
  const b = normalisedWeights(options.targetWeights, m, 'sinkhorn target');
  const logA = a.map((x) => (x > 0 ? Math.log(x) : -Infinity));
  const logB = b.map((x) => (x > 0 ? Math.log(x) : -Infinity));
  let maxAbs = 0;
  for (let k = 0; k < C.length; k++) maxAbs = Math.max(maxAbs, Math.abs(C[k]!));
  const tol = options.tol ?? 1e-9;
  const maxIter = options.maxIterations ?? 20_000;
  const stageIter = options.stageIterations ?? 200;
  const scaling = options.scaling ?? 0.5;
  if (!(scaling > 0 && scaling <= 1)) throw new Error(`sinkhornLog: scaling must be in (0, 1], got ${scaling}`);

  const f = new Float64Array(n);
  const g = new Float64Array(m);
  const tmp = new Float64Array(Math.max(n, m));

  const updateF = (eps: number): void => {
    for (let i = 0; i < n; i++) {
      const base = i * m;
      let mx = -Infinity;
      for (let j = 0; j < m; j++) {
        const z = logB[j]! + (g[j]! - C[base + j]!) / eps;
        tmp[j] = z;
        if (z > mx) mx = z;
      }
      let s = 0;
      for (let j = 0; j < m; j++) s += Math.exp(tmp[j]! - mx);
      f[i] = -eps * (mx + Math.log(s));
    }
  };
  const colMax = new Float64Array(m);
  const colSum = new Float64Array(m);
  const updateG = (eps: number): void => {
    // Column-wise log-sum-exp, two passes over the row-major matrix.
    colMax.fill(-Infinity);
    for (let i = 0; i < n; i++) {
      const base = i * m;
      const fi = logA[i]! + f[i]! / eps;
      for (let j = 0; j < m; j++) {
        const z = fi - C[base + j]! / eps;
        if (z > colMax[j]!) colMax[j] = z;
      }
    }
    colSum.fill(0);
    for (let i = 0; i < n; i++) {
      const base = i * m;
      const fi = logA[i]! + f[i]! / eps;
      for (let j = 0; j < m; j++) colSum[j]! += Math.exp(fi - C[base + j]! / eps - colMax[j]!);
    }
    for (let j = 0; j < m; j++) g[j] = -eps * (colMax[j]! + Math.log(colSum[j]!));
  };
  /** ‖P1 − a‖₁ for the current potentials. */
  const rowError = (eps: number): number => {
    let err = 0;
    for (let i = 0; i < n; i++) {
      const base = i * m;
      let s = 0;
      for (let j = 0; j < m; j++) s += Math.exp(logA[i]! + logB[j]! + (f[i]! + g[j]! - C[base + j]!) / eps);
      err += Math.abs(s - a[i]!);
    }
    return err;
  };

  let iterations = 0;
  let eps = scaling < 1 ? Math.max(epsilon, maxAbs) : epsilon;
  let err = Infinity;
  let converged = false;
  for (;;) {
    const final = eps <= epsilon;
    const cap = final ? maxIter : stageIter;
    const stageTol = final ? tol : Math.max(tol, 1e-3);
    for (let it = 0; it < cap; it++) {
      updateF(eps);
      updateG(eps);
      iterations++;
      if (it % 5 === 4 || it === cap - 1) {
        err = rowError(eps);
        if (err <= stageTol) break;
      }
    }
    if (final) {
      converged = err <= tol;
      break;
    }
    eps = Math.max(epsilon, eps * scaling);
  }

  const dropBelow = options.dropBelow ?? 1e-12;
  const entries = new PlanEntries();
  let transport = 0;
  let kl = 0;
  for (let i = 0; i < n; i++) {
    const base = i * m;
    for (let j = 0; j < m; j++) {
      const logRatio = (f[i]! + g[j]! - C[base + j]!) / epsilon;
      const p = Math.exp(logA[i]! + logB[j]! + logRatio);
      if (p === 0) continue;
      transport += p * C[base + j]!;
      kl += p * logRatio;
      if (p >= dropBelow) entries.push(i, j, p);
    }
  }
  return {
    ...entries.plan(n, m, transport),
    transportCost: transport,
    entropicCost: transport + epsilon * kl,
    marginalError: err,
    iterations,
    converged,
    epsilon,
    f,
    g,
  };
}
