import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { controlCharacterFields, PER_ITEM } from './control-characters.ts';

/** One invalid field of a request, as a JSON pointer into the request part. */
export interface InvalidField {
  /** `body`, `querystring`, `params` or `headers`. */
  in: string;
  /** JSON pointer to the field, e.g. `/address/postcode`; `` for the whole part. */
  pointer: string;
  code: string;
  detail: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: InvalidField[];
  [extension: string]: unknown;
}

/**
 * A failure the caller can act on, with a stable machine-readable `code`.
 * Every service throws these (or lets the platform map framework errors to
 * them); the error handler renders them as RFC 9457 problem+json.
 */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly errors: InvalidField[] | undefined;
  readonly extensions: Record<string, unknown>;

  constructor(options: {
    status: number;
    code: string;
    title: string;
    detail?: string;
    errors?: InvalidField[];
    extensions?: Record<string, unknown>;
  }) {
    super(options.detail ?? options.title);
    this.status = options.status;
    this.code = options.code;
    this.title = options.title;
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
  }
}

/**
 * A rule of the domain said no. Decision functions throw these with a stable
 * code and know nothing of HTTP; each service maps its codes to a status and
 * title in one table (see `DomainErrorTable`).
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly code: string;
  readonly errors: InvalidField[] | undefined;
  constructor(code: string, detail: string, errors?: InvalidField[]) {
    super(detail);
    this.code = code;
    this.errors = errors;
  }
}

/**
 * A service's codes with their status, one status per code. The contract,
 * the same in every service: 400 only when the request does not match the
 * OpenAPI document (the platform's VALIDATION_FAILED and MALFORMED_JSON, or
 * a code that says why a field the document does not allow is there); 422
 * when it matches but a rule of the domain that no schema states refuses it
 * (an intake rule, a cursor the API did not hand out, a file's content).
 */
export type DomainErrorTable = Record<string, { status: number; title: string }>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const typeUri = (code: string) => `https://vangnet.nl/problems/${code.toLowerCase().replaceAll('_', '-')}`;

export function problemBody(error: ProblemError, instance?: string): ProblemBody {
  return {
    type: typeUri(error.code),
    title: error.title,
    status: error.status,
    code: error.code,
    ...(error.message && error.message !== error.title ? { detail: error.message } : {}),
    ...(instance ? { instance } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
    ...error.extensions,
  };
}

/** Thrown by the validator compiler; carries zod's issues, every one of them. */
export class RequestValidationError extends Error {
  override readonly name = 'RequestValidationError';
  readonly issues: z.core.$ZodIssue[];
  constructor(issues: z.core.$ZodIssue[]) {
    super('request validation failed');
    this.issues = issues;
  }
}

const toPointer = (path: PropertyKey[]) =>
  path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** Maps zod issues to named fields; an unknown key becomes one entry per key. */
export function invalidFields(part: string, issues: z.core.$ZodIssue[]): InvalidField[] {
  return issues.flatMap((issue): InvalidField[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        in: part,
        pointer: toPointer([...issue.path, key]),
        code: 'unknown_field',
        detail: 'unknown field; this API rejects fields it does not know rather than dropping them',
      }));
    }
    const isMissing = issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined;
    return [
      {
        in: part,
        pointer: toPointer(issue.path),
        code: isMissing ? 'required' : issue.code,
        detail: isMissing ? 'required' : issue.message,
      },
    ];
  });
}

/**
 * Validates every request part with its zod schema and reports every issue
 * (zod does not stop at the first). Our own compiler rather than the type
 * provider's keeps the issue list intact for the problem body. It is also the
 * one control-character guard of every service: a string anywhere in the
 * part holding a C0 control character (tab and line breaks aside) is refused
 * with the schema's issues, each field named once, before any handler could
 * try to store it (a NUL was a 500).
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema }) => {
  const perItem = Boolean((z.globalRegistry.get(schema) as Record<string, unknown> | undefined)?.[PER_ITEM]);
  return (data) => {
    const result = parseRequestPart(schema, data, { controlCharacters: !perItem });
    return result.success ? { value: result.data } : { error: new RequestValidationError(result.issues) };
  };
};

/**
 * A request part through its schema and the control-character guard, every
 * issue kept; for items a route validates one by one (a batch's signals).
 */
export function parseRequestPart<S extends z.ZodType>(
  schema: S,
  data: unknown,
  options: { controlCharacters: boolean } = { controlCharacters: true },
): { success: true; data: z.output<S> } | { success: false; issues: z.core.$ZodIssue[] } {
  // The input on each issue tells a missing field (`required`) from one of the wrong type.
  const result = schema.safeParse(data, { reportInput: true });
  const named = new Set(result.success ? [] : result.error.issues.map((issue) => toPointer(issue.path)));
  const control = options.controlCharacters
    ? controlCharacterFields(data, '').filter((field) => !named.has(field.pointer))
    : [];
  if (result.success && control.length === 0) return { success: true, data: result.data };
  const issues = [
    ...(result.success ? [] : result.error.issues),
    ...control.map(
      (field) =>
        ({
          code: 'invalid_format',
          format: 'regex',
          path: field.path,
          message: field.detail,
          input: '',
        }) as unknown as z.core.$ZodIssue,
    ),
  ];
  return { success: false, issues };
}

/** Fastify's own error codes that are the caller's fault, with our codes. */
const frameworkErrors: Record<string, { status: number; code: string; title: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', title: 'Unsupported content type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'MALFORMED_REQUEST', title: 'Invalid Content-Length' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', title: 'Empty JSON body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', title: 'Body is not valid JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', title: 'Request body too large' },
};

function toProblem(error: FastifyError | Error, request: FastifyRequest, domainErrors: DomainErrorTable): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof DomainError) {
    const mapped = domainErrors[error.code];
    if (mapped) {
      return new ProblemError({
        ...mapped,
        code: error.code,
        detail: error.message,
        ...(error.errors ? { errors: error.errors } : {}),
      });
    }
    request.log.error({ code: error.code }, 'domain error without an HTTP mapping');
  }
  if (error instanceof RequestValidationError || (error as FastifyError).validation) {
    const part = (error as FastifyError).validationContext ?? 'body';
    const issues = error instanceof RequestValidationError ? error.issues : [];
    return new ProblemError({
      status: 400,
      code: 'VALIDATION_FAILED',
      title: 'The request is invalid',
      detail: `${part} has ${issues.length || 'one or more'} invalid field(s); see errors`,
      errors: invalidFields(part, issues),
    });
  }
  const fastifyCode = (error as FastifyError).code;
  if (error instanceof SyntaxError || fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new ProblemError({ status: 400, code: 'MALFORMED_JSON', title: 'Body is not valid JSON' });
  }
  const known = fastifyCode ? frameworkErrors[fastifyCode] : undefined;
  if (known) return new ProblemError(known);
  const statusCode = (error as FastifyError).statusCode;
  if (statusCode && statusCode >= 400 && statusCode < 500) {
    return new ProblemError({ status: statusCode, code: 'BAD_REQUEST', title: 'The request cannot be handled' });
  }
  request.log.error({ err: error }, 'unhandled error');
  // 5xx never says why: the reason may hold internals or personal data.
  return new ProblemError({ status: 500, code: 'INTERNAL_ERROR', title: 'Something went wrong on our side' });
}

export function sendProblem(reply: FastifyReply, problem: ProblemError) {
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problemBody(problem, reply.request.url.split('?')[0]));
}

export function registerProblemHandlers(app: FastifyInstance, domainErrors: DomainErrorTable = {}) {
  app.setErrorHandler((error, request, reply) =>
    sendProblem(reply, toProblem(error as FastifyError, request, domainErrors)),
  );
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new ProblemError({
        status: 404,
        code: 'NOT_FOUND',
        title: 'No such resource',
        detail: `${request.method} ${request.url.split('?')[0]} does not exist`,
      }),
    ),
  );
}
