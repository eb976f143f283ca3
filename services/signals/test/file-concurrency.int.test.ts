import { randomUUID } from 'node:crypto';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysAgo, rentSignal, startSignals, uniqueAddress } from './harness.ts';

let signals: Awaited<ReturnType<typeof startSignals>>;

beforeAll(async () => {
  // Small chunks, so the file is taken in over many transactions while single signals arrive between them.
  signals = await startSignals({ SIGNAL_FILE_CHUNK_ROWS: '20' });
});

afterAll(async () => {
  await signals?.close();
});

describe('a file and single signals for the same households at once', () => {
  it('when both arrive together, then every household still has exactly one case and nothing is lost', async () => {
    const households = Array.from({ length: 10 }, () => uniqueAddress());
    const energyId = `energy-${randomUUID()}`;
    const landlordId = `landlord-${randomUUID()}`;
    const energy = await signals.token('energy', energyId);
    const landlord = await signals.token('landlord', landlordId);
    // Twenty rows per household, arrears rising, so none is a repeat: each joins the household's case.
    const lines = ['type;reference;postcode;house_number;arrears_amount;arrears_since'];
    for (let round = 0; round < 20; round += 1) {
      for (const address of households) {
        lines.push(`energy;E-${randomUUID()};${address.postcode};${address.houseNumber};${200 + round};${daysAgo(45)}`);
      }
    }

    const upload = await signals.postFile(lines.join('\n'), energy);
    expect(upload.statusCode).toBe(202);
    const singles = await Promise.all(households.map((address) => signals.post(rentSignal(address), landlord)));
    expect(singles.map((response) => response.statusCode)).toEqual(households.map(() => 201));

    await waitFor(
      'the file is taken in',
      async () => {
        const { rows } = await signals.app.pool.query('SELECT status, accepted FROM signal_file WHERE id = $1', [
          upload.json().id,
        ]);
        return rows[0]?.status === 'completed' ? rows[0] : undefined;
      },
      { timeoutMs: 30_000 },
    );

    const { rows } = await signals.app.pool.query(
      `SELECT household_key, count(DISTINCT case_id)::int AS cases, count(*)::int AS signals
         FROM signal WHERE partner_id = ANY($1) GROUP BY household_key`,
      [[energyId, landlordId]],
    );
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row).toMatchObject({ cases: 1, signals: 21 });
  });
});
