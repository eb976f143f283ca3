import type { RoutedItem } from '@vangnet/contracts/networks';
import { addWorkingDays, amsterdamDate } from './working-days.ts';

/** A team's claim on a postcode area (PC6 `1091AB` or PC4 `1091`). */
export interface Coverage {
  postcodePrefix: string;
  teamId: string;
  teamName: string;
  teamActive: boolean;
}

export type RoutingOutcome =
  | {
      outcome: 'decided';
      item: RoutedItem;
      teamId: string;
      ruleId: string;
      deadline: string;
      explanation: string;
    }
  | {
      outcome: 'failed';
      item: RoutedItem;
      reason: 'no_neighbourhood_for_address' | 'no_matching_rule';
      explanation: string;
    };

/** The placeholder rule's accept-by period; per-type deadlines come with the rule engine. */
export const DEFAULT_DEADLINE_WORKING_DAYS = 5;

/** The prefixes to look up for a postcode, most specific first. */
export const coveragePrefixes = (postcode: string): [pc6: string, pc4: string] => [postcode, postcode.slice(0, 4)];

/**
 * Picks the team for an item: the most specific active coverage of its
 * postcode (PC6 before PC4). Pure; the caller loads the coverage and stores
 * the outcome.
 */
export function decideRouting(input: {
  item: RoutedItem;
  postcode: string;
  coverage: Coverage[];
  now: Date;
}): RoutingOutcome {
  const { item, postcode, coverage, now } = input;
  if (coverage.length === 0) {
    return {
      outcome: 'failed',
      item,
      reason: 'no_neighbourhood_for_address',
      explanation: `no team covers postcode area ${postcode.slice(0, 4)}`,
    };
  }
  for (const prefix of coveragePrefixes(postcode)) {
    const match = coverage.find((entry) => entry.postcodePrefix === prefix && entry.teamActive);
    if (match) {
      return {
        outcome: 'decided',
        item,
        teamId: match.teamId,
        ruleId: `postcode:${prefix}`,
        deadline: addWorkingDays(amsterdamDate(now), DEFAULT_DEADLINE_WORKING_DAYS),
        explanation: `${match.teamName} covers postcode area ${prefix}`,
      };
    }
  }
  return {
    outcome: 'failed',
    item,
    reason: 'no_matching_rule',
    explanation: `the teams covering ${postcode.slice(0, 4)} are inactive`,
  };
}
