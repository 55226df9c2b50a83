import type { OperationModule } from '../operation.js';
import { plannedRelease, publishStep } from './github.js';
import { type PublishReleaseRequest, publishReleaseRequestSchema } from './request.js';

/** A GitHub release, published or draft, on the commit its target_commitish resolves to. */
export const publishRelease: OperationModule<PublishReleaseRequest> = {
  kind: 'publish_release',
  schema: publishReleaseRequestSchema,
  // Releases and their tags are repository contents.
  permission: 'contents',
  summary: (request) => `${request.operation_kind} ${request.repository} ${request.tag_name}`,
  plan: (request) => [plannedRelease(request)],
  writes: () => [publishStep],
  example: {
    run_id: 'run-1',
    operation_kind: 'publish_release',
    repository: 'omega/marketops',
    tag_name: 'v1.0.0',
    name: 'v1.0.0',
    body: 'First release',
    target_commitish: 'main',
    draft: false,
    prerelease: false,
  },
};
