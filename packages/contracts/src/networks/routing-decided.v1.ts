import { z } from 'zod';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';

/** What was routed: a signal (later a household case) or a GP referral request. */
export const RoutedItem = z.strictObject({
  kind: z.enum(['signal', 'case', 'referral_request']),
  id: z.uuid(),
});
export type RoutedItem = z.infer<typeof RoutedItem>;

/**
 * The router chose a team. Keyed by the routed item so that every decision
 * about one item (first routing, re-routing after a decline) stays in order.
 */
export const RoutingDecidedV1 = defineEvent({
  domain: 'networks',
  name: 'RoutingDecided',
  version: 1,
  topic: topics.routingDecisions,
  schema: z.strictObject({
    decisionId: z.uuid(),
    item: RoutedItem,
    teamId: z.uuid(),
    informTeamIds: z.array(z.uuid()).max(20),
    neighbourhoodCode: z
      .string()
      .regex(/^BU\d{8}$/)
      .optional(),
    ruleId: z.string().min(1).max(100),
    /** Accept-by date (working days already applied), ISO date. */
    deadline: z.iso.date(),
    /** Short human explanation for the coordinator and the team. */
    explanation: z.string().max(500),
    decidedAt: z.iso.datetime({ offset: true }),
  }),
  key: (data) => data.item.id,
});

/** The router found no team; the item waits in the coordinator queue. */
export const RoutingFailedV1 = defineEvent({
  domain: 'networks',
  name: 'RoutingFailed',
  version: 1,
  topic: topics.routingDecisions,
  schema: z.strictObject({
    decisionId: z.uuid(),
    item: RoutedItem,
    /**
     * `transfer_refused`: a team asked to transfer the item to a team the router
     * may not give it to (inactive, other municipality, already had it); the
     * coordinator decides instead. Added later: consumers must accept it.
     */
    reason: z.enum([
      'no_neighbourhood_for_address',
      'no_matching_rule',
      'all_teams_at_capacity',
      'no_team_left',
      'transfer_refused',
    ]),
    explanation: z.string().max(500),
    decidedAt: z.iso.datetime({ offset: true }),
  }),
  key: (data) => data.item.id,
});
