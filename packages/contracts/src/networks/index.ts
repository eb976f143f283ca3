export { entityState } from './entity-state.ts';
export { NeighbourhoodChangedV1 } from './neighbourhood-changed.v1.ts';
export { PartnerChangedV1, PartnerKind } from './partner-changed.v1.ts';
export { RoutedItem, RoutingDecidedV1, RoutingFailedV1 } from './routing-decided.v1.ts';
export { RoutingDecidedV2 } from './routing-decided.v2.ts';
export { TeamChangedV1 } from './team-changed.v1.ts';
