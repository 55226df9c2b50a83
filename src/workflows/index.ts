export { executeAuthorizedOperation } from './execute-authorized-operation.js';
export { previewPublicationPlan } from './preview-publication-plan.js';
export { executePublicationRun } from './publication-run.js';
export { recordSubmissionRejection } from './record-submission-rejection.js';
