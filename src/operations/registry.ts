import type { GitHubWrite } from '../github/plan.js';
import { openPr } from './open-pr/index.js';
import type { OperationModule, ViewBase, WriteStep } from './operation.js';
import { publishRelease } from './publish-release/index.js';
import { tagRepo } from './tag-repo/index.js';

/** Every operation kind, one entry each. Adding a kind is a folder beside these and an entry here. */
export const operationModules = [publishRelease, tagRepo, openPr] as const;

type Registered = (typeof operationModules)[number];
type RequestOf<M> = M extends OperationModule<infer R, infer _V> ? R : never;

export type OperationKind = Registered['kind'];
/** Any operation request: one kind's, as its schema parses it. */
export type OperationRequest = RequestOf<Registered>;

export const operationKinds: OperationKind[] = operationModules.map((module) => module.kind);

/** A module as code that handles every kind sees it: any request, any of its views. */
type AnyModule = OperationModule<OperationRequest, ViewBase>;

const byKind = new Map<string, AnyModule>(
  // Each module takes only its own kind's request and views, and is found only by that kind.
  operationModules.map((module) => [module.kind, module as unknown as AnyModule]),
);

/** Each kind's valid request, for help texts and the docs. */
export const examples = Object.fromEntries(
  operationModules.map((module) => [module.kind, module.example]),
) as {
  [M in Registered as M['kind']]: RequestOf<M>;
};

/** The module of a kind: a request's, which comes parsed, or a write's, whose view it parses. */
export function moduleOf(kind: string): AnyModule {
  const module = byKind.get(kind);
  if (!module) throw new TypeError(`no operation kind ${kind}`);
  return module;
}

/** The module of a request's kind. A request comes parsed, so its kind is registered. */
export const operationOf = <R extends OperationRequest>(request: R): OperationModule<R, ViewBase> =>
  moduleOf(request.operation_kind) as unknown as OperationModule<R, ViewBase>;

/** A request's writes in order, each with its view: what the executor's activities run one at a time. */
export function writesOf(request: OperationRequest): { view: ViewBase; step: WriteStep<ViewBase> }[] {
  const operation = moduleOf(request.operation_kind);
  return operation.views(request).map((view, write) => ({ view, step: operation.write(view, write) }));
}

/** The GitHub writes a request sends when nothing exists yet: what dry run and preview show. */
export const planFor = (request: OperationRequest): GitHubWrite[] => operationOf(request).plan(request);

/** The one-line summary of a request, e.g. `tag_repo acme/widgets v1.0.0`. */
export const summaryOf = (request: OperationRequest): string => operationOf(request).summary(request);
