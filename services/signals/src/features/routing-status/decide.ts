/**
 * Whether a household case waits with a person at the municipality (the
 * coordinator queue) after a routing outcome: a RoutingFailed puts it
 * there (no neighbourhood, no rule, no team left, a refused transfer), a
 * RoutingDecided (a team, also one the coordinator chose) takes it out.
 * The partner sees `with_coordinator` meanwhile instead of `in_progress`:
 * someone has the case, no team yet. Which team, or why no rule fitted,
 * is not the partner's to know. Pure.
 */
export type RoutingOutcomeKind = 'decided' | 'failed';

export const withCoordinatorAfter = (outcome: RoutingOutcomeKind): boolean => outcome === 'failed';

/** The open signals' status for the case's routing state; closed signals keep their feedback. */
export const openSignalStatus = (withCoordinator: boolean) => (withCoordinator ? 'with_coordinator' : 'in_progress');
