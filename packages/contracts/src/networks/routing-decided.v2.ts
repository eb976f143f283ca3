import { z } from 'zod';
import { NeighbourhoodCode } from '../codes.ts';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';
import { RoutedItem } from './routing-decided.v1.ts';

/**
 * The router chose a team. v2 adds what re-routing needs: `attempt` counts
 * the routings of this item (1 the first time, +1 for every re-routing after
 * a decline, an expired deadline or a transfer) and `excludedTeamIds` names the teams
 * that already had it, so nobody routes it back to a team that declined it
 * and a consumer can tell a re-routing from a first routing. Keyed by the
 * routed item so that every decision about one item stays in order.
 */
export const RoutingDecidedV2 = defineEvent({
  domain: 'networks',
  name: 'RoutingDecided',
  version: 2,
  topic: topics.routingDecisions,
  summary: 'The router assigned a case or referral request to a team (first routing or re-routing).',
  schema: z
    .strictObject({
      decisionId: z.uuid(),
      item: RoutedItem,
      teamId: z.uuid(),
      informTeamIds: z.array(z.uuid()).max(20),
      neighbourhoodCode: NeighbourhoodCode.optional(),
      ruleId: z.string().min(1).max(100),
      attempt: z
        .number()
        .int()
        .min(1)
        .max(100)
        .describe('1 for the first routing of the item, +1 for each re-routing.'),
      excludedTeamIds: z
        .array(z.uuid())
        .max(100)
        .describe('Teams that had the item before (declined it or let it expire); never `teamId`.'),
      deadline: z.iso.date().describe('Accept-by date (working days already applied), ISO date.'),
      escalatesOn: z.iso
        .date()
        .optional()
        .describe(
          'The date the item goes to the coordinator when still not accepted (3 times the deadline in working days). ' +
            'Absent in decisions made before this field existed: compute it from the deadline then.',
        ),
      expiresAt: z.iso
        .datetime({ offset: true })
        .optional()
        .describe(
          "Set only when the rule's deadline is in minutes (same-day work, or trying expiry on staging): the " +
            'instant the referral expires, instead of the end of the `deadline` day. Added later: consumers must accept it.',
        ),
      escalatesAt: z.iso
        .datetime({ offset: true })
        .optional()
        .describe(
          'With `expiresAt`, on the first routing: the instant of escalation (three times the deadline), instead ' +
            'of the start of `escalatesOn`.',
        ),
      referralId: z
        .uuid()
        .optional()
        .describe(
          'Set only when the decision carries out a transfer: the id the referrals service reserved for the new ' +
            'referral (`newReferralId` of ReferralTransferred), so the transfer and its referral share one id.',
        ),
      explanation: z.string().max(500).describe('Short human explanation for the coordinator and the team.'),
      decidedAt: z.iso.datetime({ offset: true }),
    })
    .refine((decision) => !decision.excludedTeamIds.includes(decision.teamId), {
      path: ['excludedTeamIds'],
      message: 'the chosen team cannot be one that already had the item',
    }),
  key: (data) => data.item.id,
});
