import type { Readable } from 'node:stream';
import { scopes } from '@vangnet/contracts/organisations';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate, principalOf } from '@vangnet/platform/auth';
import { DomainError, ProblemError } from '@vangnet/platform/problem';
import type pg from 'pg';
import { z } from 'zod';
import type { PrismaClient } from '../../db.ts';
import { signallingKinds } from '../partners.ts';
import { fileColumns, requiredColumns } from './columns.ts';
import { type FileLimits, stageFile } from './stage.ts';

const FileAccepted = z.object({
  id: z.uuid(),
  status: z.enum(['queued', 'processing', 'completed']),
  rowsRead: z.number().int(),
});

const FileStatus = z.object({
  id: z.uuid(),
  status: z.enum(['queued', 'processing', 'completed']),
  receivedAt: z.iso.datetime({ offset: true }),
  completedAt: z.iso.datetime({ offset: true }).optional(),
  rowsRead: z.number().int(),
  rowsProcessed: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  duplicates: z.number().int(),
  errors: z.array(
    z.object({
      row: z.number().int(),
      code: z.string(),
      detail: z.string().optional(),
      errors: z.array(
        z.object({ column: z.string().optional(), pointer: z.string(), code: z.string(), detail: z.string() }),
      ),
    }),
  ),
  /** Pass as `errorsAfterRow` for the next page of errors. */
  nextErrorsAfterRow: z.number().int().optional(),
});

const columnList = Object.entries(fileColumns)
  .map(([name, { path }]) => `\`${name}\` (${path.join('.')})`)
  .join(', ');

export interface FileRouteDeps {
  prisma: PrismaClient;
  /** The staging pool: one connection per upload in progress, apart from the service's own pool. */
  pool: pg.Pool;
  limits: FileLimits;
  /** Tells the file job that a file is waiting. */
  onStaged: () => void;
}

export const receiveSignalFileRoute: FastifyPluginAsyncZod<FileRouteDeps> = async (app, deps) => {
  // The body stays a stream: it is staged batch by batch, never held whole.
  app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));

  app.post(
    '/v1/signal-files',
    {
      onRequest: authenticate({ kinds: signallingKinds, scope: scopes.signalsWrite }),
      preParsing: async (request) => {
        // Any other type would be parsed (JSON) or refused late; say at once what this endpoint takes.
        const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
        if (type !== 'text/csv') {
          throw new ProblemError({
            status: 415,
            code: 'UNSUPPORTED_MEDIA_TYPE',
            title: 'Unsupported content type',
            detail: 'send the file as text/csv',
          });
        }
        const length = Number(request.headers['content-length']);
        if (Number.isFinite(length) && length > deps.limits.maxBytes) {
          throw new DomainError('SIGNAL_FILE_TOO_LARGE', `the file is over ${deps.limits.maxBytes} bytes`);
        }
      },
      // The limit is enforced while streaming (see stageFile); this only keeps fastify from refusing first.
      bodyLimit: deps.limits.maxBytes + 1,
      schema: {
        summary: 'Deliver a CSV export of signals (one signal per row)',
        description:
          'text/csv in UTF-8, a header row, then one signal per row; `;` or `,` as separator (the one found ' +
          'more often in the header), fields quoted with `"` where they hold a separator, a quote (`""`) or a ' +
          `line break. Columns (any order, names case-insensitive; required: ${requiredColumns.join(', ')}): ` +
          `${columnList}. An empty cell is an absent field; a column a type does not use stays empty. ` +
          'Booleans: true/false, ja/nee, yes/no, 1/0. Dates: 2026-09-01 or 01-09-2026. Amounts in euros: ' +
          '612.50 or 612,50. A BSN column refuses the file (400 `SIGNAL_BSN_NOT_ALLOWED`). ' +
          `At most ${deps.limits.maxRows} rows and ${deps.limits.maxBytes} bytes (413 above). ` +
          'Every row is stored before the 202; the rows are then taken in in the background, each exactly as ' +
          '`POST /v1/signals` would (idempotent per reference: a reference already used counts as a duplicate). ' +
          'Follow the Location for progress and per-row errors (row numbers as a spreadsheet shows them: the ' +
          'header is row 1). A file that is not readable CSV, or whose header is wrong, is refused as a whole ' +
          '(422) and nothing of it is kept. With an `Idempotency-Key`, resending the same file answers with the ' +
          'first delivery; another file under the same key is refused (422).',
        tags: ['signals'],
        security: [{ bearer: [] }],
        consumes: ['text/csv'],
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: z.any(),
        response: { 202: FileAccepted },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const key = request.headers['idempotency-key'];
      const staged = await stageFile(
        deps.pool,
        { id: principal.organisationId, kind: principal.kind },
        request.body as Readable,
        { ...deps.limits, ...(key ? { idempotencyKey: key } : {}), trace: { ...request.traceHeaders } },
      );
      if (!staged.replayed) deps.onStaged();
      const file = await deps.prisma.signalFile.findUniqueOrThrow({ where: { id: staged.id } });
      if (staged.replayed) reply.header('idempotent-replayed', 'true');
      return reply
        .code(202)
        .header('location', `/v1/signal-files/${staged.id}`)
        .send({ id: staged.id, status: file.status as 'queued', rowsRead: staged.rowsRead });
    },
  );

  app.get(
    '/v1/signal-files/:fileId',
    {
      onRequest: authenticate({ kinds: signallingKinds, scope: scopes.signalsRead, objectInPath: true }),
      schema: {
        summary: 'Progress of one of your file deliveries, with the errors of refused rows',
        description:
          'Counts of rows read, taken in so far, accepted, refused and duplicates (a reference already used), ' +
          'and the refused rows with their row number, code and the columns to fix, ordered by row; page with ' +
          '`errorsAfterRow`.',
        tags: ['signals'],
        security: [{ bearer: [] }],
        params: z.strictObject({ fileId: z.uuid() }),
        querystring: z.strictObject({
          errorsAfterRow: z.coerce.number().int().min(0).default(0),
          errorLimit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: FileStatus },
      },
    },
    async (request) => {
      const { organisationId } = principalOf(request);
      const file = await deps.prisma.signalFile.findUnique({ where: { id: request.params.fileId } });
      // Another partner's delivery is "not found": its existence is not theirs to know.
      if (!file || file.partnerId !== organisationId) {
        throw new DomainError('SIGNAL_FILE_NOT_FOUND', `no file delivery ${request.params.fileId} among yours`);
      }
      const { errorsAfterRow, errorLimit } = request.query;
      const errors = await deps.prisma.signalFileError.findMany({
        where: { fileId: file.id, rowNumber: { gt: errorsAfterRow } },
        orderBy: { rowNumber: 'asc' },
        take: errorLimit + 1,
      });
      const page = errors.slice(0, errorLimit);
      return {
        id: file.id,
        status: file.status as 'queued' | 'processing' | 'completed',
        receivedAt: file.receivedAt.toISOString(),
        ...(file.completedAt ? { completedAt: file.completedAt.toISOString() } : {}),
        rowsRead: file.rowsRead,
        rowsProcessed: file.rowsProcessed,
        accepted: file.accepted,
        rejected: file.rejected,
        duplicates: file.duplicates,
        errors: page.map((error) => ({
          row: error.rowNumber,
          code: error.code,
          ...(error.detail ? { detail: error.detail } : {}),
          errors: error.errors as { pointer: string; code: string; detail: string }[],
        })),
        ...(errors.length > errorLimit ? { nextErrorsAfterRow: page.at(-1)?.rowNumber as number } : {}),
      };
    },
  );
};
