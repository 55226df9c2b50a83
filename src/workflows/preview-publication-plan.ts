import type { StepPreview } from '../shared.js';
import { coreActivities } from './core-activities.js';

/** `marketops plan`: what each step of a plan would do on GitHub now. Reads only; no receipt is involved. */
export function previewPublicationPlan(plan: unknown): Promise<StepPreview[]> {
  return coreActivities.previewPlan(plan);
}
