export { executeAuthorizedOperation } from './execute-authorized-operation.js';
export { recordSubmissionRejection } from './record-submission-rejection.js';
export { executePublicationRun, previewPublicationPlan } from './publication-run.js';
