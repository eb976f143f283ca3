import { createHash } from 'node:crypto';
import {
  type BatchItemResult,
  MAX_BATCH_SIZE,
  SignalBatchRequest,
  SignalBatchResponse,
  SignalRequest,
} from '@vangnet/contracts/http/signals';
import { scopes } from '@vangnet/contracts/organisations';
import type { FastifyPluginAsyncZod } from '@vangnet/platform/app';
import { authenticate, principalOf } from '@vangnet/platform/auth';
import { DomainError, invalidFields, parseRequestPart } from '@vangnet/platform/problem';
import { z } from 'zod';
import { signallingKinds } from '../partners.ts';
import { bsnFields } from '../receive-signal/bsn.ts';
import type { Partner } from '../receive-signal/decide.ts';
import { type IntakeDeps, takeInSignals } from '../receive-signal/intake.ts';

/**
 * PostgreSQL's jsonb holds no NUL and no lone surrogate, and a refused item's
 * pointers name the keys it was sent with: such characters become U+FFFD, in
 * the answer and in its stored copy alike, so that storing the answer for an
 * Idempotency-Key cannot fail (it was a 500) and a replay is the first answer.
 */
function storable<T>(value: T): T {
  if (typeof value === 'string') return value.toWellFormed().replaceAll('\u0000', '\ufffd') as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [storable(name), storable(item)])) as T;
  }
  return value;
}

/** 1,000 full signals with subjects stay well under this; the platform's 1 MiB default does not. */
const BATCH_BODY_LIMIT = 4 * 1024 * 1024;

export const receiveSignalBatchRoute: FastifyPluginAsyncZod<IntakeDeps> = async (app, deps) => {
  const { prisma } = deps;

  /**
   * The items' own checks (BSN, schema) first; the rest go through the intake
   * engine together, in one transaction, in batch order (items of one
   * household meet in order and join one case, as they would one by one).
   */
  async function takeInItems(
    partner: Partner,
    items: unknown[],
    trace: { traceparent?: string; tracestate?: string },
  ): Promise<BatchItemResult[]> {
    const results: (BatchItemResult | undefined)[] = [];
    const valid: { index: number; request: SignalRequest }[] = [];
    for (const [index, item] of items.entries()) {
      const bsn = bsnFields(item);
      if (bsn.length > 0) {
        results[index] = { index, status: 'rejected', code: 'SIGNAL_BSN_NOT_ALLOWED', errors: bsn };
        continue;
      }
      const parsed = parseRequestPart(SignalRequest, item);
      if (parsed.success) valid.push({ index, request: parsed.data });
      else {
        const errors = invalidFields('body', parsed.issues);
        results[index] = { index, status: 'rejected', code: 'VALIDATION_FAILED', errors };
      }
    }
    const taken = await takeInSignals(
      deps,
      partner,
      valid.map(({ request }) => request),
      trace,
      'batch',
    );
    for (const [position, result] of taken.entries()) {
      const { index } = valid[position] as { index: number };
      results[index] =
        result.status === 'accepted'
          ? { index, status: 'accepted', signal: result.signal }
          : {
              index,
              status: 'rejected',
              code: result.error.code,
              detail: result.error.message,
              ...(result.error.errors ? { errors: result.error.errors } : {}),
            };
    }
    return results as BatchItemResult[];
  }

  app.post(
    '/v1/signal-batches',
    {
      onRequest: authenticate({ kinds: signallingKinds, scope: scopes.signalsWrite }),
      bodyLimit: BATCH_BODY_LIMIT,
      preValidation: async (request) => {
        const signals = (request.body as { signals?: unknown } | null)?.signals;
        if (Array.isArray(signals) && signals.length > MAX_BATCH_SIZE) {
          throw new DomainError('SIGNAL_BATCH_TOO_LARGE', `${signals.length} signals; send at most ${MAX_BATCH_SIZE}`);
        }
      },
      schema: {
        summary: 'Deliver up to 1,000 signals at once',
        description:
          'Each item is taken in on its own, exactly as `POST /v1/signals` would (idempotent per reference), ' +
          'and answered with a result in the same position: accepted with the signal, or rejected with its ' +
          'code and invalid fields (pointers relative to the item). A rejected item never blocks the others. ' +
          'With an `Idempotency-Key` header, a retry of the same batch is answered with the first answer.',
        tags: ['signals'],
        security: [{ bearer: [] }],
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: SignalBatchRequest,
        response: { 200: SignalBatchResponse },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const partner = { id: principal.organisationId, kind: principal.kind };
      const key = request.headers['idempotency-key'];
      const requestHash = createHash('sha256').update(JSON.stringify(request.body)).digest('hex');

      if (key) {
        const claimed = await prisma.idempotentRequest.createMany({
          data: [{ partnerId: partner.id, key, requestHash }],
          skipDuplicates: true,
        });
        if (claimed.count === 0) {
          const first = await prisma.idempotentRequest.findUnique({
            where: { partnerId_key: { partnerId: partner.id, key } },
          });
          if (first && first.requestHash !== requestHash) {
            throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'send a new Idempotency-Key for a different batch');
          }
          if (!first?.response || first.statusCode === null) {
            throw new DomainError('IDEMPOTENCY_KEY_IN_PROGRESS', 'retry when the first request has been answered');
          }
          return reply
            .code(200)
            .header('idempotent-replayed', 'true')
            .send(first.response as SignalBatchResponse);
        }
      }

      try {
        const results = await takeInItems(partner, request.body.signals, request.traceHeaders);
        const accepted = results.filter((result) => result.status === 'accepted').length;
        const response = storable({ accepted, rejected: results.length - accepted, results });
        if (key) {
          await prisma.idempotentRequest.update({
            where: { partnerId_key: { partnerId: partner.id, key } },
            data: { response, statusCode: 200 },
          });
        }
        return reply.code(200).send(response);
      } catch (error) {
        // Free the key so the partner can retry: what was accepted stays, and is found again by its reference.
        if (key) {
          await prisma.idempotentRequest
            .deleteMany({ where: { partnerId: partner.id, key, statusCode: null } })
            .catch(() => undefined);
        }
        throw error;
      }
    },
  );
};
