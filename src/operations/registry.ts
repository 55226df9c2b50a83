import type { GitHubWrite } from '../github/plan.js';
import { openPr } from './open-pr/index.js';
import type { OperationModule } from './operation.js';
import { publishRelease } from './publish-release/index.js';
import { tagRepo } from './tag-repo/index.js';

/** Every operation kind, one entry each. Adding a kind is a folder beside these and an entry here. */
export const operationModules = [publishRelease, tagRepo, openPr] as const;

type Registered = (typeof operationModules)[number];
type RequestOf<M> = M extends OperationModule<infer R> ? R : never;

export type OperationKind = Registered['kind'];
/** Any operation request: one kind's, as its schema parses it. */
export type OperationRequest = RequestOf<Registered>;

export const operationKinds: OperationKind[] = operationModules.map((module) => module.kind);

const byKind = new Map<string, OperationModule<OperationRequest>>(
  // Each module takes only its own kind's request, and is found only by that kind.
  operationModules.map((module) => [module.kind, module as OperationModule<OperationRequest>]),
);

/** Each kind's valid request, for help texts and the docs. */
export const examples = Object.fromEntries(
  operationModules.map((module) => [module.kind, module.example]),
) as {
  [M in Registered as M['kind']]: RequestOf<M>;
};

/** The module of a request's kind. A request comes parsed, so its kind is registered. */
export function operationOf<R extends OperationRequest>(request: R): OperationModule<R> {
  const module = byKind.get(request.operation_kind);
  if (!module) throw new TypeError(`no operation kind ${request.operation_kind}`);
  return module as OperationModule<R>;
}

/** The GitHub writes a request sends when nothing exists yet: what dry run and preview show. */
export const planFor = (request: OperationRequest): GitHubWrite[] => operationOf(request).plan(request);

/** The one-line summary of a request, e.g. `tag_repo acme/widgets v1.0.0`. */
export const summaryOf = (request: OperationRequest): string => operationOf(request).summary(request);
