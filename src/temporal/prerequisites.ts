import type { SearchAttributeType } from '@temporalio/common';
import proto from '@temporalio/proto';
import { searchAttributes } from '../shared.js';

type WorkflowService = proto.temporal.api.workflowservice.v1.WorkflowService;
type OperatorService = proto.temporal.api.operatorservice.v1.OperatorService;

/** A client's or a worker's connection: both reach the same two services. */
export interface TemporalServices {
  workflowService: Pick<WorkflowService, 'describeNamespace'>;
  operatorService: Pick<OperatorService, 'listSearchAttributes' | 'addSearchAttributes'>;
}

/** The closed workflow must outlive every receipt that could still be presented. */
export const RETENTION_MARGIN_SECONDS = 3600;

/** What a namespace lacks, and the command that gives it. */
export interface Missing {
  what: string;
  fix: string;
}

const GRPC_NOT_FOUND = 5;

/** The enum a search attribute's type is registered as (a default import: the package is CommonJS). */
export const indexedValueType = (type: SearchAttributeType): number =>
  proto.temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${type}`];

/** The type as `temporal operator search-attribute create --type` spells it: KEYWORD_LIST → KeywordList. */
const cliTypeName = (type: SearchAttributeType): string =>
  type
    .split('_')
    .map((word) => word[0] + word.slice(1).toLowerCase())
    .join('');

/** Whole hours of retention a receipt of `maxReceiptAgeSeconds` needs: its life plus the margin, rounded up. */
export const requiredRetentionHours = (maxReceiptAgeSeconds: number): number =>
  Math.ceil((maxReceiptAgeSeconds + RETENTION_MARGIN_SECONDS) / 3600);

type NamespaceDescription = Awaited<ReturnType<WorkflowService['describeNamespace']>>;

async function describe(services: TemporalServices, namespace: string) {
  try {
    return await services.workflowService.describeNamespace({ namespace });
  } catch (error) {
    if ((error as { code?: unknown }).code === GRPC_NOT_FOUND) return undefined;
    throw error;
  }
}

/**
 * Workflow-id uniqueness only guards one-time use while Temporal retains the closed workflow, so
 * a namespace that forgets sooner than a receipt can live is refused.
 */
function retentionShort(description: NamespaceDescription, namespace: string, maxReceiptAgeSeconds: number) {
  const actual = Number(description.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
  const hours = requiredRetentionHours(maxReceiptAgeSeconds);
  if (actual >= hours * 3600) return [];
  return [
    {
      what: `namespace ${namespace} retains closed workflows for ${actual / 3600} h, but receipts live up to ${maxReceiptAgeSeconds / 3600} h: it needs at least ${hours} h`,
      fix: `temporal operator namespace update --namespace ${namespace} --retention ${hours}h`,
    },
  ];
}

/** Runs are started, and queried, by their search attributes; a missing one fails every start. */
async function searchAttributesMissing(services: TemporalServices, namespace: string): Promise<Missing[]> {
  const { customAttributes } = await services.operatorService.listSearchAttributes({ namespace });
  return Object.values(searchAttributes).flatMap(({ name, type }) => {
    const registered = customAttributes?.[name];
    const create = `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${cliTypeName(type)}`;
    if (registered === undefined)
      return [{ what: `search attribute ${name} (${cliTypeName(type)}) is not registered`, fix: create }];
    if (registered === indexedValueType(type)) return [];
    return [
      {
        what: `search attribute ${name} is registered with another type than ${cliTypeName(type)}`,
        fix: `temporal operator search-attribute remove --namespace ${namespace} --name ${name} --yes && ${create}`,
      },
    ];
  });
}

/** Steps are authorized through a workflow Update; a server with Updates off refuses every authorization. */
function updatesOff(description: NamespaceDescription, namespace: string): Missing[] {
  if (description.namespaceInfo?.capabilities?.syncUpdate) return [];
  return [
    {
      what: `namespace ${namespace} does not accept workflow Updates`,
      fix: 'set the server dynamic config frontend.enableUpdateWorkflowExecution to true (temporal server start-dev --dynamic-config-value frontend.enableUpdateWorkflowExecution=true)',
    },
  ];
}

/**
 * What the executor needs of its namespace and does not find there: the namespace itself, a
 * retention longer than a receipt lives, the search attributes with their types, and Updates.
 * Empty when all is in place.
 */
export async function missingPrerequisites(
  services: TemporalServices,
  namespace: string,
  maxReceiptAgeSeconds: number,
): Promise<Missing[]> {
  const description = await describe(services, namespace);
  if (!description)
    return [
      {
        what: `namespace ${namespace} does not exist`,
        fix: `temporal operator namespace create --namespace ${namespace} --retention ${requiredRetentionHours(maxReceiptAgeSeconds)}h`,
      },
    ];
  return [
    ...retentionShort(description, namespace, maxReceiptAgeSeconds),
    ...(await searchAttributesMissing(services, namespace)),
    ...updatesOff(description, namespace),
  ];
}

/** Each missing piece and its fix, one per line. */
export const describeMissing = (missing: readonly Missing[]): string =>
  missing.map(({ what, fix }) => `- ${what}; fix: ${fix}`).join('\n');

export class PrerequisiteError extends Error {
  override name = 'PrerequisiteError';
}

/** Refuses to run on a namespace that lacks any prerequisite, naming each with its fix. */
export async function assertPrerequisites(
  services: TemporalServices,
  namespace: string,
  maxReceiptAgeSeconds: number,
): Promise<void> {
  const missing = await missingPrerequisites(services, namespace, maxReceiptAgeSeconds);
  if (missing.length > 0)
    throw new PrerequisiteError(
      `Temporal namespace ${namespace} is not ready for the executor (marketops doctor checks it again):\n${describeMissing(missing)}`,
    );
}
