import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { energySignal, rentSignal, startSignals, uniqueAddress } from './harness.ts';

let signals: Awaited<ReturnType<typeof startSignals>>;

beforeAll(async () => {
  signals = await startSignals();
});

afterAll(async () => {
  await signals?.close();
});

const postBatch = (body: unknown, token: string, headers: Record<string, string> = {}) =>
  signals.request('POST', '/v1/signal-batches', token, body, headers);

describe('POST /v1/signal-batches', () => {
  it('when a batch mixes good and bad items, then each gets its own result and the good ones are stored', async () => {
    const token = await signals.token('landlord');
    const good = rentSignal();
    const withBsn = { ...rentSignal(), bsn: '123456782' };
    const malformed = { ...rentSignal(), address: { postcode: 'nope', houseNumber: 1 } };
    const objected = rentSignal();
    objected.preconditions.tenantObjected = true;
    const wrongType = energySignal();
    const alsoGood = rentSignal();

    const response = await postBatch({ signals: [good, withBsn, malformed, objected, wrongType, alsoGood] }, token);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ accepted: 2, rejected: 4 });
    expect(body.results.map((result: { status: string; code?: string }) => result.code ?? result.status)).toEqual([
      'accepted',
      'SIGNAL_BSN_NOT_ALLOWED',
      'VALIDATION_FAILED',
      'SIGNAL_TENANT_OBJECTED',
      'SIGNAL_TYPE_NOT_ALLOWED',
      'accepted',
    ]);
    expect(body.results[2].errors).toEqual([expect.objectContaining({ pointer: '/address/postcode' })]);
    expect(JSON.stringify(body)).not.toContain('123456782');

    const { rows } = await signals.app.pool.query('SELECT reference FROM signal WHERE reference = ANY($1)', [
      [good, withBsn, malformed, objected, wrongType, alsoGood].map((signal) => signal.reference),
    ]);
    expect(rows.map((row: { reference: string }) => row.reference).sort()).toEqual(
      [good.reference, alsoGood.reference].sort(),
    );
  });

  it('when an item holds a NUL byte, then that item is rejected naming the field and the others are stored', async () => {
    const token = await signals.token('landlord');
    const nul = rentSignal();
    nul.subject.familyName = 'de\u0000Vries';
    const good = rentSignal();
    const response = await postBatch({ signals: [nul, good] }, token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      accepted: 1,
      rejected: 1,
      results: [
        {
          status: 'rejected',
          code: 'VALIDATION_FAILED',
          errors: [expect.objectContaining({ pointer: '/subject/familyName', code: 'invalid_format' })],
        },
        { status: 'accepted' },
      ],
    });
  });

  it('when two items of one batch are for the same household, then they share one case', async () => {
    const address = uniqueAddress();
    const first = rentSignal(address, 400);
    const second = { ...rentSignal(address, 800) };
    const body = (await postBatch({ signals: [first, second] }, await signals.token('landlord'))).json();
    expect(body.results[1].signal.caseId).toBe(body.results[0].signal.caseId);
  });

  it('when the same Idempotency-Key is sent again, then the first answer is replayed and nothing is stored twice', async () => {
    const token = await signals.token('landlord');
    const key = randomUUID();
    const batch = { signals: [rentSignal(), rentSignal()] };
    const first = await postBatch(batch, token, { 'idempotency-key': key });
    const outboxBefore = Number((await signals.app.pool.query('SELECT count(*) AS n FROM outbox')).rows[0].n);
    const again = await postBatch(batch, token, { 'idempotency-key': key });

    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(Number((await signals.app.pool.query('SELECT count(*) AS n FROM outbox')).rows[0].n)).toBe(outboxBefore);
  });

  it('when a refused item names a key with a NUL or a lone surrogate, then the answer is kept for its Idempotency-Key and replayed', async () => {
    const token = await signals.token('landlord');
    const key = randomUUID();
    const batch = { signals: [{ ...rentSignal(), 'x\u0000y': 1, '\ud800': 2 }, rentSignal()] };
    const first = await postBatch(batch, token, { 'idempotency-key': key });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ accepted: 1, rejected: 1 });
    const pointers = first.json().results[0].errors.map((error: { pointer: string }) => error.pointer);
    expect(new Set(pointers)).toEqual(new Set(['/x\ufffdy', '/\ufffd']));
    const again = await postBatch(batch, token, { 'idempotency-key': key });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
  });

  it('when an Idempotency-Key is reused for another batch, then 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const token = await signals.token('landlord');
    const key = randomUUID();
    await postBatch({ signals: [rentSignal()] }, token, { 'idempotency-key': key });
    const response = await postBatch({ signals: [rentSignal()] }, token, { 'idempotency-key': key });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('when the first request with a key is still being worked, then a retry gets 409 and stores nothing', async () => {
    const partnerId = `landlord-${randomUUID()}`;
    const token = await signals.token('landlord', partnerId);
    const key = randomUUID();
    const batch = { signals: [rentSignal()] };
    // As the first request leaves it while it works: claimed, no answer yet.
    const { createHash } = await import('node:crypto');
    await signals.app.pool.query('INSERT INTO idempotent_request (partner_id, key, request_hash) VALUES ($1, $2, $3)', [
      partnerId,
      key,
      createHash('sha256').update(JSON.stringify(batch)).digest('hex'),
    ]);
    const response = await postBatch(batch, token, { 'idempotency-key': key });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
    const { rows } = await signals.app.pool.query('SELECT 1 FROM signal WHERE reference = $1', [
      batch.signals[0]?.reference,
    ]);
    expect(rows).toHaveLength(0);
  });

  it('when another partner uses the same Idempotency-Key, then its batch is its own', async () => {
    const key = randomUUID();
    const first = await postBatch({ signals: [rentSignal()] }, await signals.token('landlord'), {
      'idempotency-key': key,
    });
    const other = await postBatch({ signals: [rentSignal()] }, await signals.token('landlord'), {
      'idempotency-key': key,
    });
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(other.json().results[0].signal.id).not.toBe(first.json().results[0].signal.id);
  });

  it('when a batch holds 1,000 signals, then all are accepted; 1,001 are refused with 413', async () => {
    const token = await signals.token('energy');
    // Under the threshold: stored and closed, but no event. A thousand CaseOpened on the shared topic
    // would have every other test file's router (reading from the beginning) work through them first.
    const thousand = Array.from({ length: 1000 }, () => energySignal(undefined, 20));
    const response = await postBatch({ signals: thousand }, token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ accepted: 1000, rejected: 0 });
    const { rows } = await signals.app.pool.query('SELECT count(*)::int AS n FROM signal WHERE reference = ANY($1)', [
      thousand.map((signal) => signal.reference),
    ]);
    expect(rows[0].n).toBe(1000);

    const tooMany = await postBatch({ signals: [...thousand, energySignal()] }, token);
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().code).toBe('SIGNAL_BATCH_TOO_LARGE');
  }, 120_000);

  it('when the batch is empty, then 400 naming /signals', async () => {
    const response = await postBatch({ signals: [] }, await signals.token('landlord'));
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([expect.objectContaining({ pointer: '/signals' })]);
  });
});
