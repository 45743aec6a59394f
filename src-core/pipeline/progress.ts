/** Progress events and cooperative cancellation shared by every stage. */
import { CancelledError } from '../errors.js';

export const STAGES = ['knn', 'graph', 'landmarks', 'heat', 'dissimilarity', 'mds', 'extend', 'refine'] as const;
export type StageName = (typeof STAGES)[number];

export interface ProgressEvent {
  readonly stage: StageName;
  /** 0..1 within the stage. */
  readonly fraction: number;
  readonly message?: string;
  /** True when the stage's cached result was reused. */
  readonly cached?: boolean;
  /** Set once when the GPU failed during this stage and the engine moved to the CPU: what happened, for the user. */
  readonly notice?: string;
}

export interface CancelToken {
  readonly cancelled: boolean;
}

/** The owner of a run keeps the source and hands out its token. */
export class CancelSource implements CancelToken {
  #cancelled = false;
  get cancelled(): boolean {
    return this.#cancelled;
  }
  cancel(): void {
    this.#cancelled = true;
  }
}

export function throwIfCancelled(token: CancelToken | undefined, stage: StageName): void {
  if (token?.cancelled) throw new CancelledError(stage);
}
