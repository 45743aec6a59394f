/**
 * What each gene does along the trajectory tree (count simulator). Gene g has a base mean m_g ~ Gamma
 * (shape, rate). On branch b a gene is differentially expressed (DE) with probability `deFraction`; a DE
 * gene's log fold change across the branch is Δ = ±e^{N(lfcLocation, lfcScale²)} (log-normal magnitude,
 * random sign), and a share `bumpFraction` of DE genes also rise and fall inside the branch
 * (β·sin(πu), |β| a fresh draw of the same log-normal, random sign) — a transient programme that is zero at both ends. With u = s/length
 * the relative position on the branch, the gene's log expression factor is
 *   ℓ_g(b, u) = ℓ_g(b, 0) + Δ_{g,b}·u + β_{g,b}·sin(πu),   ℓ_g(root, 0) = 0,
 *   ℓ_g(b, 0) = ℓ_g(parent(b), 1)   (a child starts where its parent ends, so expression is continuous).
 * A cell's expected share of its library for gene g is p_g = m_g·e^{ℓ_g} / Σ_h m_h·e^{ℓ_h}.
 */
import type { Rng } from '../linalg/random.js';
import type { TrajectoryTree } from './count-tree.js';
import { gamma } from './distributions.js';

export interface GeneProgramOptions {
  readonly nGenes: number;
  /** Gamma shape and rate of the base means (Splatter-like defaults 0.6 and 0.3). */
  readonly meanShape: number;
  readonly meanRate: number;
  /** Probability that a gene is DE on a given branch. */
  readonly deFraction: number;
  /** Log-normal parameters of |Δ| (natural-log fold change across a whole branch). */
  readonly lfcLocation: number;
  readonly lfcScale: number;
  /** Share of DE genes that also get a transient sin(πu) component. */
  readonly bumpFraction: number;
}

export interface GeneProgram {
  readonly nGenes: number;
  readonly branches: number;
  readonly baseMean: Float64Array;
  /** B × G (row-major by branch): ℓ at the start of each branch. */
  readonly start: Float64Array;
  /** B × G: log fold change across the branch (0 when not DE). */
  readonly delta: Float64Array;
  /** B × G: amplitude of the transient component (0 for most genes). */
  readonly bump: Float64Array;
  /** B × G: 1 where the gene is DE on the branch. */
  readonly de: Uint8Array;
}

export function makeGeneProgram(tree: TrajectoryTree, o: GeneProgramOptions, rng: Rng): GeneProgram {
  const G = o.nGenes;
  const B = tree.branches;
  if (!Number.isInteger(G) || G < 2) throw new Error(`nGenes must be an integer ≥ 2, got ${G}`);
  if (!(o.deFraction >= 0 && o.deFraction <= 1)) throw new Error(`deFraction must be in [0, 1], got ${o.deFraction}`);
  const baseMean = new Float64Array(G);
  for (let g = 0; g < G; g++) baseMean[g] = gamma(rng, o.meanShape, 1 / o.meanRate);
  const start = new Float64Array(B * G);
  const delta = new Float64Array(B * G);
  const bump = new Float64Array(B * G);
  const de = new Uint8Array(B * G);
  const magnitude = (): number => Math.exp(o.lfcLocation + o.lfcScale * rng.normal());
  const sign = (): number => (rng.next() < 0.5 ? -1 : 1);
  for (let b = 0; b < B; b++) {
    const p = tree.parent[b]!;
    for (let g = 0; g < G; g++) {
      const at = b * G + g;
      // parent < b, so its start and delta are already set; sin(π) = 0, so the bump ends at zero.
      start[at] = p < 0 ? 0 : start[p * G + g]! + delta[p * G + g]!;
      if (rng.next() >= o.deFraction) continue;
      de[at] = 1;
      delta[at] = sign() * magnitude();
      if (rng.next() < o.bumpFraction) bump[at] = sign() * magnitude();
    }
  }
  return { nGenes: G, branches: B, baseMean, start, delta, bump, de };
}

/** Writes p_g (expected library share of each gene) at relative position u ∈ [0, 1] of branch b into `out`. */
export function expressionShares(program: GeneProgram, b: number, u: number, out: Float64Array): void {
  const G = program.nGenes;
  const off = b * G;
  const s = Math.sin(Math.PI * u);
  let total = 0;
  for (let g = 0; g < G; g++) {
    const w = program.baseMean[g]! * Math.exp(program.start[off + g]! + program.delta[off + g]! * u + program.bump[off + g]! * s);
    out[g] = w;
    total += w;
  }
  for (let g = 0; g < G; g++) out[g]! /= total;
}
