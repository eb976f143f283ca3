import { randomUUID } from 'node:crypto';
import { demoRentSignal } from '@vangnet/infra/demo-data';
import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type System, startSystem } from './fixtures/system.ts';

/**
 * Issue 10.1: a crisis must never wait behind bulk work, neither as a case
 * of its own nor when it joins a case whose routing still waits on the bulk
 * lane (signals repeats that case's opening on the main lane). A 100,000-row file
 * is being routed (its case events on the bulk lane) when a landlord posts
 * an eviction: the eviction reaches its team's inbox within 5 s, while the
 * file is provably still being routed. On one lane the eviction queued
 * behind every file row the router had not reached yet (1,664 s measured).
 */

let system: System;

beforeAll(async () => {
  system = await startSystem(testInfrastructure());
});

afterAll(async () => {
  await system?.close();
});

const FILE_ROWS = 100_000;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** An energy company's file: every row a household of its own (house number and addition) on the team's postcode. */
function energyFile(postcode: string, rows = FILE_ROWS, run = randomUUID().slice(0, 8)): string {
  const since = daysAgo(45);
  const lines = ['type,reference,postcode,house_number,house_number_addition,arrears_amount,arrears_since'];
  for (let i = 0; i < rows; i += 1) {
    lines.push(`energy,E-${run}-${i},${postcode},${(i % 50_000) + 1},${i < 50_000 ? 'a' : 'b'},240.00,${since}`);
  }
  return `${lines.join('\n')}\n`;
}

const uploadFile = async (csv: string) => {
  const energy = await system.issuer.sign({
    organisationId: `energie-${randomUUID().slice(0, 8)}`,
    kind: 'energy',
    scopes: ['signals:write'],
  });
  const upload = await fetch(`${system.signalsUrl}/v1/signal-files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${energy}`, 'content-type': 'text/csv' },
    body: csv,
  });
  expect(upload.status).toBe(202);
};

const postEviction = async (address: { postcode: string; houseNumber: number; houseNumberAddition?: string }) => {
  const landlord = await system.issuer.sign({
    organisationId: 'woonstichting-e2e',
    kind: 'landlord',
    scopes: ['signals:write'],
  });
  const posted = await fetch(`${system.signalsUrl}/v1/signals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${landlord}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      ...demoRentSignal(),
      reference: `HUUR-${randomUUID()}`,
      address,
      crisis: { kind: 'eviction', plannedOn: daysAgo(-10) },
    }),
  });
  expect(posted.status).toBe(201);
  return ((await posted.json()) as { caseId: string }).caseId;
};

/** Where a case's events are, by the services' own rows (milliseconds since the epoch): for a failure's message. */
async function hopsOf(caseId: string) {
  const ms = (rows: Record<string, unknown>[]) =>
    rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.getTime() : v])),
    );
  const signalsOut = await system.signals.pool.query(
    `SELECT topic, headers->>'ce_type' AS type, event_id::text, created_at, sent_at FROM outbox
      WHERE message_key = $1 ORDER BY position`,
    [caseId],
  );
  const ids = signalsOut.rows.map((row) => row.event_id);
  const networksIn = await system.networks.pool.query(
    'SELECT consumer_group, event_id, processed_at FROM inbox WHERE event_id = ANY($1::text[])',
    [ids],
  );
  const decisions = await system.networks.pool.query(
    `SELECT d.decided_at, o.topic, o.created_at, o.sent_at FROM routing_decision d
       LEFT JOIN outbox o ON o.payload->>'decisionId' = d.id::text WHERE d.item_id = $1::uuid`,
    [caseId],
  );
  const referrals = await system.referrals.pool.query(
    'SELECT created_at, urgency, status FROM referral WHERE item_id = $1::uuid',
    [caseId],
  );
  return {
    now: Date.now(),
    signalsOut: ms(signalsOut.rows),
    networksIn: ms(networksIn.rows),
    decisions: ms(decisions.rows),
    referrals: ms(referrals.rows),
  };
}

const routedTo = async (teamId: string) =>
  Number(
    (await system.networks.pool.query('SELECT count(*)::int AS n FROM routing_decision WHERE team_id = $1', [teamId]))
      .rows[0].n,
  );

describe('crisis lane', () => {
  it('when an eviction joins a case whose file row still waits on the bulk lane, then the case is routed at once and once only', async () => {
    const rows = 30_000;
    const team = await system.createTeam({ capacity: 1_000_000 });
    const run = randomUUID().slice(0, 8);
    await uploadFile(energyFile(team.postcode, rows, run));
    // The household of the file's last row: its case is opened once the file is taken in, and routed last.
    const last = `E-${run}-${rows - 1}`;
    const caseOfLast = async () =>
      (await system.signals.pool.query('SELECT case_id FROM signal WHERE reference = $1', [last])).rows[0]?.case_id as
        | string
        | undefined;
    const fileCase = await waitFor('the file taken in', caseOfLast, { timeoutMs: 120_000, intervalMs: 200 });
    const decisionsOf = async (itemId: string) =>
      Number(
        (
          await system.networks.pool.query('SELECT count(*)::int AS n FROM routing_decision WHERE item_id = $1', [
            itemId,
          ])
        ).rows[0].n,
      );
    expect(await decisionsOf(fileCase), 'the last row is not routed yet when the eviction comes').toBe(0);

    const caseId = await postEviction({ postcode: team.postcode, houseNumber: rows, houseNumberAddition: 'a' });
    expect(caseId).toBe(fileCase);
    // As the team looks for it: its crises. Newest first, the file's referrals still coming in would
    // push the case off the first page within a second.
    const listed = system.referralFor(team.id, caseId, 'urgency=crisis');
    const referral = await waitFor(
      'the case in its team’s inbox as a crisis',
      async () => {
        const found = await listed();
        return found?.urgency === 'crisis' ? found : undefined;
      },
      { timeoutMs: 5_000 },
    ).catch(async (error) => {
      throw new Error(`${(error as Error).message}; where the case was: ${JSON.stringify(await hopsOf(caseId))}`);
    });
    expect(referral).toMatchObject({ teamId: team.id, item: { kind: 'case', id: caseId } });
    expect(await routedTo(team.id), 'the file is still being routed').toBeLessThan(rows);

    // When the bulk lane reaches the row, its opening finds the case routed: one decision, one place.
    await waitFor('the whole file routed', async () => ((await routedTo(team.id)) >= rows ? true : undefined), {
      timeoutMs: 150_000,
      intervalMs: 500,
    });
    expect(await decisionsOf(caseId)).toBe(1);
    const { rows: teams } = await system.networks.pool.query('SELECT open_assignments FROM team WHERE id = $1', [
      team.id,
    ]);
    expect(teams[0].open_assignments).toBe(rows);
  }, 300_000);

  it('when an eviction arrives while a 100,000-row file is being routed, then it is in its team’s inbox within 5 s and the file is not yet routed', async () => {
    const fileTeam = await system.createTeam({ capacity: 1_000_000 });
    const crisisTeam = await system.createTeam();

    await uploadFile(energyFile(fileTeam.postcode));

    // The bulk lane is being worked: the router has routed file rows and has many more to go.
    await waitFor(
      'the router working the file',
      async () => ((await routedTo(fileTeam.id)) >= 200 ? true : undefined),
      {
        timeoutMs: 120_000,
        intervalMs: 200,
      },
    );

    const caseId = await postEviction({ postcode: crisisTeam.postcode, houseNumber: 7 });

    const referral = await waitFor('the eviction in its team’s inbox', system.referralFor(crisisTeam.id, caseId), {
      timeoutMs: 5_000,
    });
    const routedOfFile = await routedTo(fileTeam.id);

    expect(referral).toMatchObject({ teamId: crisisTeam.id, status: 'routed', item: { kind: 'case', id: caseId } });
    expect(routedOfFile).toBeLessThan(FILE_ROWS);
    // Uploading and taking in the first chunks of 100,000 rows takes most of it, on a loaded 2-core machine.
  }, 180_000);
});
