import { randomUUID } from 'node:crypto';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysAgo, startSignals, uniqueAddress } from './harness.ts';

let signals: Awaited<ReturnType<typeof startSignals>>;

beforeAll(async () => {
  // Small chunks and few tries, so a poisoned chunk is taken apart and parked quickly.
  signals = await startSignals({ SIGNAL_FILE_CHUNK_ROWS: '3', SIGNAL_FILE_CHUNK_ATTEMPTS: '2' });
  // A fault no retry cures: the database refuses every signal whose reference starts with POISON-.
  await signals.app.pool.query(`
    CREATE FUNCTION poison_signal() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.reference LIKE 'POISON-%' THEN RAISE EXCEPTION 'poisoned row'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER poison BEFORE INSERT ON signal FOR EACH ROW EXECUTE FUNCTION poison_signal();`);
});

afterAll(async () => {
  await signals?.close();
});

const header = 'type;reference;postcode;house_number;arrears_amount;arrears_since';
const energyRow = (reference: string) => {
  const address = uniqueAddress();
  return `energy;${reference};${address.postcode};${address.houseNumber};240;${daysAgo(45)}`;
};

const completed = (id: string, token: string) =>
  waitFor(
    `file ${id} completed`,
    async () => {
      const status = (await signals.request('GET', `/v1/signal-files/${id}`, token)).json();
      return status.status === 'completed' ? status : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );

describe('a chunk that keeps failing', () => {
  it('when one row can never be taken in, then only that row is parked as ROW_NOT_PROCESSED, the rest of its chunk lands and later files move on', async () => {
    const partnerId = `energy-${randomUUID()}`;
    const token = await signals.token('energy', partnerId);
    // Data rows 2..8; chunks of three: [2,3,4] [5,6,7] [8]. Row 6 is poisoned.
    const references = Array.from({ length: 7 }, (_, index) =>
      index === 4 ? `POISON-${randomUUID()}` : `E-${randomUUID()}`,
    );
    const poisoned = await signals.postFile([header, ...references.map(energyRow)].join('\n'), token);
    expect(poisoned.statusCode).toBe(202);

    // Another partner's file, delivered after it, is not held up.
    const otherToken = await signals.token('energy');
    const later = await signals.postFile(
      [header, energyRow(`E-${randomUUID()}`), energyRow(`E-${randomUUID()}`)].join('\n'),
      otherToken,
    );
    expect(later.statusCode).toBe(202);

    const status = await completed(poisoned.json().id, token);
    expect(status).toMatchObject({ rowsRead: 7, rowsProcessed: 7, accepted: 6, rejected: 1, duplicates: 0 });
    expect(status.errors).toEqual([expect.objectContaining({ row: 6, code: 'ROW_NOT_PROCESSED', errors: [] })]);
    expect((await completed(later.json().id, otherToken)).accepted).toBe(2);

    const { rows } = await signals.app.pool.query('SELECT reference FROM signal WHERE partner_id = $1', [partnerId]);
    expect(rows.map((row) => row.reference).sort()).toEqual(
      references.filter((reference) => !reference.startsWith('POISON-')).sort(),
    );
    // The parked row's raw fields are gone with it: nothing is left staged.
    const staged = await signals.app.pool.query('SELECT count(*)::int AS n FROM signal_file_row WHERE file_id = $1', [
      poisoned.json().id,
    ]);
    expect(staged.rows[0].n).toBe(0);
  });
});
