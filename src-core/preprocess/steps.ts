/**
 * What each preprocessing step did, in a JSON-ready shape: the sidecar records these verbatim so a
 * map can be reproduced and audited ("which genes? which normalisation? were cells dropped?").
 */
export type StepValue = number | string | boolean | null | readonly number[] | readonly string[];

export type StepName = 'detect' | 'qc-cells' | 'qc-genes' | 'normalize' | 'transform' | 'hvg' | 'pca' | 'obsm' | 'densify';

export interface PreprocessStep {
  readonly step: StepName;
  /** False when the step was considered but not applied (then `reason` says why). */
  readonly applied: boolean;
  /** The parameters actually used (after defaults and caps). */
  readonly params: Readonly<Record<string, StepValue>>;
  /** What came out: counts of kept/dropped items, shapes, explained variance, ... */
  readonly result: Readonly<Record<string, StepValue>>;
  /** One human sentence, e.g. why a step was skipped or a parameter capped. */
  readonly reason?: string;
}
