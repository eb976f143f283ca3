export { RoutedItem, RoutingDecidedV1, RoutingFailedV1 } from './routing-decided.v1.ts';
