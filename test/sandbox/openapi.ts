import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Validates response bodies against GitHub's own OpenAPI description (@octokit/openapi).
 * A status the operation documents uses that schema; a status it leaves out (401, rate-limit
 * 403/429, injected 5xx) uses the document's shared response for that status.
 */
const require = createRequire(import.meta.url);
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  components: { responses: Record<string, ResponseObject> };
}
interface ResponseObject {
  $ref?: string;
  content?: Record<string, { schema: unknown }>;
}
const document: OpenApiDocument = require('@octokit/openapi/generated/api.github.com.json');

/** The document's shared responses for statuses an operation does not list. */
const SHARED_RESPONSE: Record<number, string> = {
  304: 'not_modified',
  400: 'bad_request',
  401: 'requires_authentication',
  403: 'forbidden',
  404: 'not_found',
  422: 'validation_failed',
  429: 'forbidden',
  500: 'internal_error',
  502: 'internal_error',
  503: 'service_unavailable',
};

/**
 * OpenAPI 3.0 marks some compositions nullable without a `type` (the commit schema's author and
 * committer: `nullable` beside `oneOf`). That is not JSON Schema and ajv refuses to compile it, so
 * such a schema gets null as one more alternative: the meaning the document intends.
 */
function nullAsAlternative(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (schema.nullable === true && schema.type === undefined && Array.isArray(alternatives)) {
    delete schema.nullable;
    alternatives.push({ type: 'null' });
  }
  for (const child of Object.values(schema)) nullAsAlternative(child);
}
nullAsAlternative(document);

/**
 * The document's `release-asset` state lists `uploaded` and `open`, yet the upload endpoint's own
 * description says a failed upload "may leave an empty asset with a state of `starter`", which the
 * sandbox reproduces; so `starter` is one more value GitHub sends.
 */
const schemas = (
  document.components as unknown as {
    schemas: Record<string, { properties: Record<string, { enum: string[] }> }>;
  }
).schemas;
schemas['release-asset']?.properties.state?.enum.push('starter');

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
// strict: false because the document carries OpenAPI keywords (example, x-github, nullable…) beside JSON Schema.
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
ajv.addSchema(document as object, 'gh');

const pointer = (...segments: string[]): string =>
  segments
    .map((segment) => encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1')))
    .join('/');

export function documentedPaths(): string[] {
  return Object.keys(document.paths);
}

export function hasOperation(method: string, template: string): boolean {
  return document.paths[template]?.[method.toLowerCase()] !== undefined;
}

const cache = new Map<string, ValidateFunction>();

/** Where in the document the schema for this operation and status lives, as a JSON pointer; undefined when it has no body. */
function schemaPointer(method: string, template: string, status: number): string | undefined {
  const operation = document.paths[template]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${template} is not an operation of GitHub's OpenAPI document`);
  const listed = operation.responses[String(status)];
  // Some error responses are listed without a body (an upload's 422, immutable-releases' 404),
  // though GitHub sends its JSON error there (release-assets-conflict recording): the shared one applies.
  const own = listed && !listed.$ref && !listed.content && status >= 400 ? undefined : listed;
  const sharedName = SHARED_RESPONSE[status];
  const name = own?.$ref ? own.$ref.split('/').pop() : own ? undefined : sharedName;
  if (name === undefined && !own) throw new Error(`no schema for ${status} of ${method} ${template}`);
  const response = name === undefined ? own : document.components.responses[name];
  if (response && !response.content) return undefined;
  const base =
    name === undefined
      ? pointer('paths', template, method.toLowerCase(), 'responses', String(status))
      : pointer('components', 'responses', name);
  return `gh#/${base}/content/${pointer('application/json')}/schema`;
}

/** Schema errors of a response body, empty when it validates. */
export function validateResponse(method: string, template: string, status: number, body: unknown): string[] {
  const at = schemaPointer(method, template, status);
  // A bodiless response (304 Not Modified) must come without one.
  if (at === undefined)
    return body === undefined || body === '' ? [] : ['has a body where GitHub sends none'];
  let validate = cache.get(at);
  if (!validate) {
    validate = ajv.compile({ $ref: at });
    cache.set(at, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
}
