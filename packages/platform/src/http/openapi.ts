import type { DomainErrorTable } from './problem.ts';

/**
 * What every operation of every service documents without the route saying
 * so: the API-Version header, the problem+json errors the platform itself can
 * answer, an operationId and declared tags. Done on the finished document, so
 * a route written tomorrow is described as completely as today's.
 */

/** The version of the API contract (/core/version-header, /core/semver), sent on every response. */
export const API_VERSION = '1.0.0';

export interface DocumentOptions {
  /** The service's domain error codes: listed under the status each answers with. */
  domainErrors: DomainErrorTable;
  /** Descriptions of the route tags; a tag without one is still declared. */
  tags?: Record<string, string>;
}

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  tags?: string[];
  parameters?: unknown[];
  requestBody?: unknown;
  security?: unknown[];
  responses?: Record<string, Json>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** The generic meaning of each error status, and when an operation can answer it. */
const ERROR_STATUSES: {
  status: number;
  title: string;
  applies: (operation: Operation, method: string, path: string) => boolean;
}[] = [
  {
    status: 400,
    title:
      'The request does not match this document (a wrong type, a missing required field, a pattern, an enum, ' +
      'an unknown field, malformed JSON): every invalid field is named in `errors` (`VALIDATION_FAILED`, `MALFORMED_JSON`)',
    applies: () => true,
  },
  { status: 401, title: 'No valid bearer token (`UNAUTHENTICATED`)', applies: (operation) => isSecured(operation) },
  {
    status: 403,
    title: 'The token may not use this endpoint (`FORBIDDEN_ORGANISATION_KIND`, `MISSING_SCOPE`)',
    applies: (operation) => isSecured(operation),
  },
  {
    status: 404,
    title: 'No such resource, or none the caller may know of',
    applies: (_operation, _method, path) => path.includes('{'),
  },
  {
    status: 409,
    title: 'The request conflicts with the current state',
    applies: (_operation, method) => method !== 'get',
  },
  { status: 413, title: 'The request body is too large', applies: (operation) => Boolean(operation.requestBody) },
  {
    status: 415,
    title: 'The content type of the body is not accepted (`UNSUPPORTED_MEDIA_TYPE`)',
    applies: (operation) => Boolean(operation.requestBody),
  },
  {
    status: 422,
    title:
      'The request matches this document, but a rule of the domain that no schema states refuses it; ' +
      'a rule about fields names every field concerned in `errors`',
    applies: () => true,
  },
  {
    status: 429,
    title: 'Too many requests for this organisation; retry after `Retry-After` seconds (`RATE_LIMITED`)',
    applies: () => true,
  },
  { status: 500, title: 'Something went wrong on our side (`INTERNAL_ERROR`); never says why', applies: () => true },
];

/** The control-character guard of every request (problem.ts), as a pattern for the document's readers. */
const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$';

/** Adds the guard's pattern to every string of a request schema that has no pattern of its own. */
function markControlCharacters(schema: unknown): void {
  const pending = [schema];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (!next || typeof next !== 'object') continue;
    if (Array.isArray(next)) {
      pending.push(...next);
      continue;
    }
    const node = next as Json;
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (types.includes('string') && node.pattern === undefined && node.enum === undefined && node.const === undefined) {
      node.pattern = NO_CONTROL_CHARACTERS;
    }
    for (const key of ['properties', 'patternProperties']) {
      if (node[key] && typeof node[key] === 'object') pending.push(...Object.values(node[key] as Json));
    }
    for (const key of ['items', 'additionalProperties', 'anyOf', 'oneOf', 'allOf', 'not', 'prefixItems']) {
      if (node[key] !== undefined) pending.push(node[key]);
    }
  }
}

const isSecured = (operation: Operation) => Array.isArray(operation.security) && operation.security.length > 0;

/** `post /coordinator-queue/{entryId}/assign` → `postCoordinatorQueueByEntryIdAssign`. */
export function operationIdOf(method: string, path: string): string {
  const pascal = (word: string) =>
    word
      .split(/[^a-zA-Z0-9]+/)
      .filter(Boolean)
      .map((part) => part[0]?.toUpperCase() + part.slice(1))
      .join('');
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith('{') ? `By${pascal(segment.slice(1, -1))}` : pascal(segment)));
  return method + (segments.join('') || 'Root');
}

const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details with a stable `code`; extension members may follow.',
  properties: {
    type: { type: 'string', format: 'uri', description: 'Identifies the problem kind; stable per `code`' },
    title: { type: 'string', description: 'Short summary, the same for every occurrence of the code' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', description: 'What went wrong this time (absent when the title says it all)' },
    instance: { type: 'string', description: 'The path of the request' },
    code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$', description: 'Stable machine-readable code' },
    errors: {
      type: 'array',
      description: 'Every invalid field of the request',
      items: {
        type: 'object',
        properties: {
          in: { type: 'string', enum: ['body', 'querystring', 'params', 'headers'] },
          pointer: { type: 'string', description: 'JSON pointer into that part, e.g. `/address/postcode`' },
          code: { type: 'string' },
          detail: { type: 'string' },
        },
        required: ['in', 'pointer', 'code', 'detail'],
      },
    },
  },
  required: ['type', 'title', 'status', 'code'],
};

function errorResponses(domainErrors: DomainErrorTable): Record<string, Json> {
  const responses: Record<string, Json> = {};
  for (const { status, title } of ERROR_STATUSES) {
    const codes = Object.entries(domainErrors)
      .filter(([, entry]) => entry.status === status)
      .map(([code]) => `\`${code}\``);
    responses[`Problem${status}`] = {
      description: codes.length ? `${title}. Codes of this API at ${status}: ${codes.join(', ')}.` : `${title}.`,
      headers: {
        ...(status === 429 ? { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } : {}),
        'API-Version': { $ref: '#/components/headers/ApiVersion' },
      },
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return responses;
}

/** Completes the document @fastify/swagger generated from the routes (its `transformObject`). */
export function completeDocument(document: Json, options: DocumentOptions): Json {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  const usedTags = new Set<string>();
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      operation.operationId ??= operationIdOf(method, path);
      for (const parameter of operation.parameters ?? []) markControlCharacters((parameter as Json).schema);
      const content = (operation.requestBody as { content?: Record<string, Json> } | undefined)?.content ?? {};
      for (const media of Object.values(content)) markControlCharacters(media.schema);
      for (const tag of operation.tags ?? []) usedTags.add(tag);
      operation.responses ??= {};
      const responses = operation.responses;
      for (const [status, response] of Object.entries(responses)) {
        if (/^[23]\d\d$/.test(status)) {
          response.headers = {
            'API-Version': { $ref: '#/components/headers/ApiVersion' },
            // The contract is public: the platform serves it to any origin (/core/publish-openapi).
            ...(path === '/openapi.json'
              ? { 'Access-Control-Allow-Origin': { description: 'Always `*`', schema: { type: 'string', const: '*' } } }
              : {}),
            ...(response.headers as Json | undefined),
          };
        }
      }
      for (const { status, applies } of ERROR_STATUSES) {
        if (!responses[status] && applies(operation, method, path)) {
          responses[status] = { $ref: `#/components/responses/Problem${status}` };
        }
      }
    }
  }
  const components = (document.components ?? {}) as Json;
  return {
    ...document,
    tags: [...usedTags].sort().map((name) => ({
      name,
      ...(options.tags?.[name] ? { description: options.tags[name] } : {}),
    })),
    components: {
      ...components,
      schemas: { ...(components.schemas as Json | undefined), Problem: problemSchema },
      headers: {
        ...(components.headers as Json | undefined),
        ApiVersion: {
          description: 'The full version of the API contract (semantic versioning)',
          schema: { type: 'string', example: API_VERSION },
        },
        RetryAfter: {
          description: 'Seconds until the rate limit admits requests again',
          schema: { type: 'integer', minimum: 0 },
        },
      },
      responses: { ...(components.responses as Json | undefined), ...errorResponses(options.domainErrors) },
    },
  };
}
