import type { OperationModule } from '../operation.js';
import {
  TAG_OBJECT_SHA_PLACEHOLDER,
  tagObjectStep,
  tagObjectWrite,
  tagRefStep,
  tagRefWrite,
} from './github.js';
import { tagRepoRecordFields } from './record.js';
import { type TagRepoRequest, tagRepoRequestSchema } from './request.js';

/** A tag: annotated (a tag object, then its ref) when the request has a message, else lightweight (the ref). */
export const tagRepo: OperationModule<TagRepoRequest> = {
  kind: 'tag_repo',
  schema: tagRepoRequestSchema,
  // A tag is repository contents.
  permission: 'contents',
  summary: (request) => `${request.operation_kind} ${request.repository} ${request.tag}`,
  ref: (request) => request.tag,
  plan: (request) =>
    request.message === undefined
      ? [tagRefWrite(request, request.sha)]
      : [
          tagObjectWrite({ ...request, message: request.message }),
          tagRefWrite(request, TAG_OBJECT_SHA_PLACEHOLDER),
        ],
  writes: (request) =>
    request.message === undefined ? [tagRefStep] : [tagObjectStep(request.message), tagRefStep],
  record: tagRepoRecordFields,
  example: {
    operation_kind: 'tag_repo',
    run_id: 'run-42',
    repository: 'acme/widgets',
    tag: 'v1.2.0',
    sha: '0123456789abcdef0123456789abcdef01234567',
  },
};
