/** Per-stage progress as the progress panel shows it. */
import { STAGES, type ProgressEvent, type StageName } from '../../src-core/pipeline/progress.js';

export interface StageStatus {
  state: 'idle' | 'pending' | 'running' | 'done' | 'cached' | 'failed';
  fraction: number;
  ms?: number;
}

export type Stages = Record<StageName, StageStatus>;

export function freshStages(state: StageStatus['state']): Stages {
  return Object.fromEntries(STAGES.map((s) => [s, { state, fraction: 0 }])) as Stages;
}

export function applyProgress(stages: Stages, e: ProgressEvent): void {
  const st = stages[e.stage];
  st.fraction = e.fraction;
  st.state = e.cached ? 'cached' : e.fraction >= 1 ? 'done' : 'running';
}
