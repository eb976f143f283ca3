import { testInfrastructure } from '@vangnet/testing/inject';
import { waitFor } from '@vangnet/testing/wait';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type System, startSystem, uniquePostcode } from './fixtures/system.ts';

/**
 * The walking skeleton through real Kafka and real PostgreSQL: a landlord's
 * rent-arrears signal becomes a referral in the right team's list.
 */

let system: System;

beforeAll(async () => {
  system = await startSystem(testInfrastructure());
});

afterAll(async () => {
  await system?.close();
});

describe('walking skeleton: rent signal to team referral', () => {
  it("when a landlord posts a rent-arrears signal, then it appears in the covering team's list within 10 seconds", async () => {
    const team = await system.createTeam();
    const signal = await system.postSignal(team.postcode);

    // The signal opened a household case; the team works the case.
    const referral = await waitFor(`a referral for case ${signal.caseId}`, system.referralFor(team.id, signal.caseId), {
      timeoutMs: 10_000,
    });
    expect(referral).toMatchObject({ teamId: team.id, status: 'routed', item: { kind: 'case', id: signal.caseId } });
  });

  it("when another team asks for that team's list, then it is answered as if the team did not exist", async () => {
    const team = await system.createTeam();
    const other = await system.createTeam();
    const { status } = await system.teamReferrals(team.id, other.id);
    expect(status).toBe(404);
  });

  it('when no team covers the address, then routing fails for the coordinator and no referral is made', async () => {
    const signal = await system.postSignal(uniquePostcode());
    const decision = await waitFor(`a routing decision for ${signal.caseId}`, async () => {
      const { rows } = await system.networks.pool.query(
        'SELECT outcome, reason FROM routing_decision WHERE item_id = $1',
        [signal.caseId],
      );
      return rows[0];
    });
    expect(decision).toEqual({ outcome: 'failed', reason: 'no_neighbourhood_for_address' });
    const { rows } = await system.referrals.pool.query('SELECT 1 FROM referral WHERE item_id = $1', [signal.caseId]);
    expect(rows).toHaveLength(0);
  });

  it('when the router and the inbox restart, then nothing is re-applied and what came in meanwhile is delivered', async () => {
    const team = await system.createTeam();
    const before = await system.postSignal(team.postcode);
    await waitFor('the first referral', system.referralFor(team.id, before.caseId));

    await system.stopRouterAndInbox();
    const during = await system.postSignal(team.postcode);
    await system.startRouterAndInbox();

    await waitFor('the referral of the signal sent during the restart', system.referralFor(team.id, during.caseId));
    const { rows } = await system.referrals.pool.query(
      'SELECT item_id, count(*)::int AS n FROM referral WHERE team_id = $1 GROUP BY item_id',
      [team.id],
    );
    expect(Object.fromEntries(rows.map((row: { item_id: string; n: number }) => [row.item_id, row.n]))).toEqual({
      [before.caseId]: 1,
      [during.caseId]: 1,
    });
    const decisions = await system.networks.pool.query(
      'SELECT item_id, count(*)::int AS n FROM routing_decision WHERE item_id = ANY($1) GROUP BY item_id',
      [[before.caseId, during.caseId]],
    );
    expect(decisions.rows.map((row: { n: number }) => row.n)).toEqual([1, 1]);
  });
});
