import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageFile } from '../src/features/receive-signal-file/stage.ts';
import { daysAgo, rentSignal, startSignals, uniqueAddress } from './harness.ts';

let signals: Awaited<ReturnType<typeof startSignals>>;

beforeAll(async () => {
  // A small byte limit, so the 413 needs no huge body; the 100,000-row file stays well under it.
  signals = await startSignals({ SIGNAL_FILE_MAX_BYTES: String(16 * 1024 * 1024) });
});

afterAll(async () => {
  await signals?.close();
});

const count = async (sql: string, values: unknown[] = []) =>
  Number((await signals.app.pool.query(sql, values)).rows[0].n);

async function fileStatus(location: string, token: string, query = '') {
  const response = await signals.request('GET', `${location}${query}`, token);
  expect(response.statusCode).toBe(200);
  return response.json();
}

const completed = (location: string, token: string, timeoutMs = 10_000) =>
  waitFor(
    `${location} completed`,
    async () => {
      const status = await fileStatus(location, token);
      return status.status === 'completed' ? status : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );

const rentHeader =
  'type;reference;given_name;family_name;postcode;house_number;house_number_addition;arrears_amount;arrears_since;' +
  'contact_attempted;pointed_to_debt_help;reminder_sent_on;consent_offer_made;tenant_objected';

function rentRow(
  reference: string,
  address: { postcode: string; houseNumber: number },
  changes: Partial<Record<string, string>> = {},
) {
  const cells: Record<string, string> = {
    type: 'rent',
    reference,
    given_name: 'Anna',
    family_name: '"de Vries; jr."',
    postcode: address.postcode,
    house_number: String(address.houseNumber),
    house_number_addition: '',
    arrears_amount: '612,50',
    arrears_since: daysAgo(60),
    contact_attempted: 'ja',
    pointed_to_debt_help: 'ja',
    reminder_sent_on: daysAgo(20),
    consent_offer_made: 'ja',
    tenant_objected: 'nee',
    ...changes,
  };
  return rentHeader
    .split(';')
    .map((column) => cells[column])
    .join(';');
}

const rentSignalFor = (reference: string, address: { postcode: string; houseNumber: number }) => ({
  ...rentSignal(address),
  reference,
});

describe('POST /v1/signal-files', () => {
  it('when a file mixes good and bad rows, then the good ones are taken in and each bad one is named by row and column', async () => {
    const partnerId = `landlord-${randomUUID()}`;
    const token = await signals.token('landlord', partnerId);
    const household = uniqueAddress();
    const refs = Array.from({ length: 6 }, () => `HUUR-${randomUUID()}`);
    const csv = [
      rentHeader,
      rentRow(refs[0] as string, household),
      rentRow(refs[1] as string, uniqueAddress(), { postcode: 'nope', house_number: 'twelve' }),
      '',
      rentRow(refs[2] as string, uniqueAddress(), { tenant_objected: 'ja' }),
      rentRow(refs[0] as string, household),
      'rent;too;few',
      rentRow(refs[3] as string, uniqueAddress(), { reminder_sent_on: '' }),
      // A second signal for the household with higher arrears is picked up again and joins its case.
      rentRow(refs[4] as string, household, { arrears_amount: '900' }),
    ].join('\r\n');

    const response = await signals.postFile(csv, token);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ rowsRead: 7 });
    const location = response.headers.location as string;
    expect(location).toBe(`/v1/signal-files/${response.json().id}`);

    const status = await completed(location, token);
    expect(status).toMatchObject({ rowsRead: 7, rowsProcessed: 7, accepted: 2, rejected: 4, duplicates: 1 });
    expect(
      status.errors.map((error: { row: number; code: string; errors: { column?: string }[] }) => [
        error.row,
        error.code,
        error.errors.map((field) => field.column),
      ]),
    ).toEqual([
      [3, 'VALIDATION_FAILED', ['postcode', 'house_number']],
      [5, 'SIGNAL_TENANT_OBJECTED', ['tenant_objected']],
      [7, 'SIGNAL_FILE_ROW_MALFORMED', []],
      [8, 'SIGNAL_PRECONDITIONS_NOT_MET', ['reminder_sent_on']],
    ]);
    expect(JSON.stringify(status)).not.toContain('de Vries');

    // The stored signals are the partner's own, found by reference; the two rows of one household share a case.
    const { rows } = await signals.app.pool.query(
      'SELECT reference, case_id, subject_family_name FROM signal WHERE partner_id = $1 ORDER BY reference',
      [partnerId],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0].case_id).toBe(rows[1].case_id);
    expect(rows.map((row: { subject_family_name: string }) => row.subject_family_name)).toEqual([
      'de Vries; jr.',
      'de Vries; jr.',
    ]);
    // The raw rows are gone once taken in.
    expect(await count('SELECT count(*) AS n FROM signal_file_row WHERE file_id = $1', [status.id])).toBe(0);

    // Errors page by row.
    const page = await fileStatus(location, token, '?errorLimit=2&errorsAfterRow=3');
    expect(page.errors.map((error: { row: number }) => error.row)).toEqual([5, 7]);
    expect(page.nextErrorsAfterRow).toBe(7);

    // Another partner learns nothing of it.
    const stranger = await signals.request('GET', location, await signals.token('landlord'));
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().code).toBe('SIGNAL_FILE_NOT_FOUND');
  });

  it('when 100,000 rows arrive in one file, then all are taken in with the right counts', async () => {
    const partnerId = `energy-${randomUUID()}`;
    const token = await signals.token('energy', partnerId);
    const since = daysAgo(45);
    const run = randomUUID().slice(0, 8);
    const lines = ['type,reference,postcode,house_number,arrears_amount,arrears_since'];
    const expected = { accepted: 0, rejected: 0, duplicates: 0, cases: 0 };
    for (let i = 0; i < 100_000; i += 1) {
      const postcode = `${1000 + (i % 9000)}EB`;
      const houseNumber = Math.floor(i / 9000) + 1;
      if (i % 997 === 1) {
        lines.push(`energy,E-${run}-${i},${postcode.slice(0, 3)},${houseNumber},20.00,${since}`);
        expected.rejected += 1;
      } else if (i % 991 === 2 && (i - 1) % 997 !== 1) {
        lines.push(`energy,E-${run}-${i - 1},${postcode},${houseNumber},20.00,${since}`);
        expected.duplicates += 1;
      } else {
        // Under the threshold, except one row in 1,000: stored and closed, with no event for the shared topic.
        const amount = i % 1000 === 0 ? '240.00' : '20.00';
        if (i % 1000 === 0) expected.cases += 1;
        lines.push(`energy,E-${run}-${i},${postcode},${houseNumber},${amount},${since}`);
        expected.accepted += 1;
      }
    }
    const started = Date.now();
    const response = await signals.postFile(`${lines.join('\n')}\n`, token);
    expect(response.statusCode).toBe(202);
    expect(response.json().rowsRead).toBe(100_000);

    const status = await completed(response.headers.location as string, token, 100_000);
    expect(status).toMatchObject({
      rowsRead: 100_000,
      rowsProcessed: 100_000,
      accepted: expected.accepted,
      rejected: expected.rejected,
      duplicates: expected.duplicates,
    });
    expect(await count('SELECT count(*) AS n FROM signal WHERE partner_id = $1', [partnerId])).toBe(expected.accepted);
    expect(
      await count('SELECT count(DISTINCT case_id) AS n FROM signal WHERE partner_id = $1 AND case_id IS NOT NULL', [
        partnerId,
      ]),
    ).toBe(expected.cases);
    // The case events went through the outbox to Kafka.
    await waitFor('the CaseOpened events are published', async () =>
      (await count(
        `SELECT count(*) AS n FROM outbox WHERE sent_at IS NOT NULL AND headers->>'ce_type' = 'nl.vangnet.signals.CaseOpened.v1'
           AND message_key IN (SELECT case_id::text FROM signal WHERE partner_id = $1)`,
        [partnerId],
      )) === expected.cases
        ? true
        : undefined,
    );
    process.stderr.write(`100,000-row file taken in ${Date.now() - started} ms\n`);
  }, 120_000);

  it('when a row repeats a reference the partner already sent as a single signal, then it is a duplicate, not a second signal', async () => {
    const partnerId = `landlord-${randomUUID()}`;
    const token = await signals.token('landlord', partnerId);
    const reference = `HUUR-${randomUUID()}`;
    const address = uniqueAddress();
    expect((await signals.post({ ...rentSignalFor(reference, address) }, token)).statusCode).toBe(201);
    const response = await signals.postFile([rentHeader, rentRow(reference, address)].join('\n'), token);
    const status = await completed(response.headers.location as string, token);
    expect(status).toMatchObject({ accepted: 0, rejected: 0, duplicates: 1 });
    expect(await count('SELECT count(*) AS n FROM signal WHERE partner_id = $1', [partnerId])).toBe(1);
  });

  it('when the same file is sent again with its Idempotency-Key, then the first delivery answers; another file under the key is refused', async () => {
    const token = await signals.token('landlord');
    const key = randomUUID();
    const csv = [rentHeader, rentRow(`HUUR-${randomUUID()}`, uniqueAddress())].join('\n');
    const first = await signals.postFile(csv, token, { 'idempotency-key': key });
    const again = await signals.postFile(csv, token, { 'idempotency-key': key });
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    expect(await count('SELECT count(*) AS n FROM signal_file WHERE idempotency_key = $1', [key])).toBe(1);

    const other = [rentHeader, rentRow(`HUUR-${randomUUID()}`, uniqueAddress())].join('\n');
    const reused = await signals.postFile(other, token, { 'idempotency-key': key });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('when a file is not readable CSV or its header is wrong, then 422 refuses it whole and nothing is kept', async () => {
    const token = await signals.token('landlord');
    const before = await count('SELECT count(*) AS n FROM signal_file');
    const good = rentRow(`HUUR-${randomUUID()}`, uniqueAddress());

    const unclosed = await signals.postFile([rentHeader, good, 'rent;"never closed', good].join('\n'), token);
    // Any text is a valid text/csv body by the OpenAPI document: a bad file breaks a rule of its own (422).
    expect(unclosed.statusCode).toBe(422);
    expect(unclosed.headers['content-type']).toContain('application/problem+json');
    expect(unclosed.json()).toMatchObject({
      code: 'SIGNAL_FILE_MALFORMED',
      errors: [expect.objectContaining({ pointer: '/rows/3', code: 'malformed_csv' })],
    });

    // A NUL byte in a cell is a 422 naming the row (it cannot be stored; it was a 500).
    const nul = rentRow(`HUUR-${randomUUID()}`, uniqueAddress(), { given_name: 'An\u0000na' });
    const withNul = await signals.postFile(Buffer.from([rentHeader, good, nul].join('\n')), token);
    expect(withNul.statusCode).toBe(422);
    expect(withNul.json()).toMatchObject({
      code: 'SIGNAL_FILE_MALFORMED',
      errors: [expect.objectContaining({ pointer: '/rows/3', code: 'malformed_csv' })],
    });
    expect(withNul.json().detail).toContain('U+0000');

    const unknown = await signals.postFile(`${rentHeader};shoe_size\n${good};42`, token);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({
      code: 'SIGNAL_FILE_COLUMNS_INVALID',
      errors: [expect.objectContaining({ pointer: '/columns/14', code: 'unknown_column' })],
    });

    const bsn = await signals.postFile(`${rentHeader};BSN\n${good};123456782`, token);
    expect(bsn.statusCode).toBe(400);
    expect(bsn.json().code).toBe('SIGNAL_BSN_NOT_ALLOWED');
    expect(bsn.body).not.toContain('123456782');

    expect((await signals.postFile(rentHeader, token)).json()).toMatchObject({
      status: 422,
      code: 'SIGNAL_FILE_EMPTY',
    });
    expect((await signals.postFile(Buffer.from([0x74, 0x79, 0xff, 0xfe, 0x0a]), token)).json()).toMatchObject({
      status: 422,
      code: 'SIGNAL_FILE_MALFORMED',
    });

    const json = await signals.request('POST', '/v1/signal-files', token, { rows: [] });
    expect(json.statusCode).toBe(415);
    expect(json.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const huge = await signals.postFile(Buffer.alloc(16 * 1024 * 1024 + 1, 0x61), token);
    expect(huge.statusCode).toBe(413);
    expect(huge.json().code).toBe('SIGNAL_FILE_TOO_LARGE');

    // Streamed without a Content-Length, the limit is counted while reading and what was staged rolls back.
    async function* chunked() {
      yield Buffer.from(`${rentHeader}\n`);
      const rows = `${Array.from({ length: 1000 }, () => good).join('\n')}\n`;
      for (let sent = 0; sent <= 4 * 1024 * 1024; sent += rows.length) yield Buffer.from(rows);
    }
    await expect(
      stageFile(signals.app.pool, { id: 'landlord-streamed', kind: 'landlord' }, Readable.from(chunked()), {
        maxBytes: 4 * 1024 * 1024,
        maxRows: 1_000_000,
        trace: {},
      }),
    ).rejects.toMatchObject({ code: 'SIGNAL_FILE_TOO_LARGE' });

    // No delivery row, so no staged rows either (they cannot exist without one).
    expect(await count('SELECT count(*) AS n FROM signal_file')).toBe(before);
  });

  it('when a quoted name holds a line break, then that row is refused naming the column, and the rest is taken in', async () => {
    const token = await signals.token('landlord');
    const csv = [
      rentHeader,
      rentRow(`HUUR-${randomUUID()}`, uniqueAddress(), { family_name: '"de\nVries"' }),
      rentRow(`HUUR-${randomUUID()}`, uniqueAddress()),
    ].join('\n');
    const response = await signals.postFile(csv, token);
    expect(response.statusCode).toBe(202);
    const status = await completed(response.headers.location as string, token);
    expect(status).toMatchObject({ accepted: 1, rejected: 1 });
    expect(status.errors).toEqual([
      expect.objectContaining({
        row: 2,
        code: 'VALIDATION_FAILED',
        errors: [expect.objectContaining({ column: 'family_name', code: 'invalid_format' })],
      }),
    ]);
  });

  it('when the instance working a file died, then a restarted job takes over the staged rows and finishes them once', async () => {
    await signals.app.fileJob.stop();
    const partnerId = `landlord-${randomUUID()}`;
    const token = await signals.token('landlord', partnerId);
    const csv = [rentHeader, ...Array.from({ length: 3 }, () => rentRow(`HUUR-${randomUUID()}`, uniqueAddress()))].join(
      '\n',
    );
    const response = await signals.postFile(csv, token);
    expect(response.statusCode).toBe(202);
    const id = response.json().id as string;
    // Durable before the 202: the rows wait in the database, not in memory.
    expect(await count('SELECT count(*) AS n FROM signal_file_row WHERE file_id = $1', [id])).toBe(3);
    // As a crashed instance leaves it: claimed, its lease run out.
    await signals.app.pool.query(
      `UPDATE signal_file SET status = 'processing', lease_owner = $2, lease_until = now() - interval '1 second' WHERE id = $1`,
      [id, randomUUID()],
    );

    signals.app.fileJob.start();
    const status = await completed(`/v1/signal-files/${id}`, token);
    expect(status).toMatchObject({ accepted: 3, rejected: 0, duplicates: 0 });
    expect(await count('SELECT count(*) AS n FROM signal WHERE partner_id = $1', [partnerId])).toBe(3);
  });
});
