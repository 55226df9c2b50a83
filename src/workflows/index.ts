export { executeAuthorizedOperation } from './execute-authorized-operation.js';
export { executePublicationRun, previewPublicationPlan } from './publication-run.js';
export { recordSubmissionRejection } from './record-submission-rejection.js';
