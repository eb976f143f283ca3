import type { DomainErrorTable } from '@vangnet/platform/problem';

/** Every domain error code of the networks service, with its HTTP meaning. */
export const networksErrors = {
  NOT_YOUR_MUNICIPALITY: { status: 403, title: 'This token does not work for that municipality' },
  // 422, not 400: the query is well-formed; whether it must name a municipality depends on who asks (an admin).
  MUNICIPALITY_REQUIRED: { status: 422, title: 'Name the municipality' },
  MUNICIPALITY_NOT_FOUND: { status: 404, title: 'No such municipality' },
  DISTRICT_NOT_FOUND: { status: 422, title: 'No such district' },
  NEIGHBOURHOOD_NOT_FOUND: { status: 422, title: 'No such neighbourhood in the municipality' },
  AREA_CONFLICT: { status: 409, title: 'The area belongs to another municipality' },
  TEAM_NOT_FOUND: { status: 404, title: 'No such team' },
  TEAM_MUNICIPALITY_FIXED: { status: 409, title: 'A team cannot move to another municipality' },
  RULE_DUPLICATE_ID: { status: 422, title: 'Two routing rules share an id' },
  RULE_TEAM_UNKNOWN: { status: 422, title: 'A routing rule names an unknown team' },
  RULE_TEAM_INACTIVE: { status: 422, title: 'A routing rule names an inactive team' },
  RULE_AREA_UNKNOWN: { status: 422, title: 'A routing rule names an area outside the municipality' },
  PARTNER_NOT_FOUND: { status: 404, title: 'No such partner organisation' },
  PARTNER_KIND_FIXED: { status: 409, title: 'A partner organisation cannot change its kind' },
  PARTNER_MUNICIPALITY_UNKNOWN: { status: 422, title: 'A partner names a municipality that does not exist' },
  QUEUE_ENTRY_NOT_FOUND: { status: 404, title: 'No such entry in the coordinator queue' },
  QUEUE_ENTRY_RESOLVED: { status: 409, title: 'The queue entry was already resolved' },
  QUEUE_ITEM_HELD: { status: 409, title: 'A team holds the item; it can transfer the referral' },
  QUEUE_ITEM_UNKNOWN: { status: 409, title: 'Networks has no routing of this item to go on' },
  ASSIGN_TEAM_UNKNOWN: { status: 422, title: 'No such team' },
  ASSIGN_TEAM_ELSEWHERE: { status: 422, title: "The team does not work in the item's municipality" },
  ASSIGN_TEAM_INACTIVE: { status: 422, title: 'The team is inactive' },
  ASSIGN_TOO_MANY_ATTEMPTS: { status: 409, title: 'The item was routed too often for one more decision' },
  INVALID_CURSOR: { status: 422, title: 'The cursor is not one this API handed out' },
  HOLIDAY_LIST_INVALID: { status: 422, title: 'A public holiday is not a single day of that year' },
  POSTCODE_MAP_INVALID: { status: 422, title: 'The postcode map has malformed rows; nothing was changed' },
} satisfies DomainErrorTable;

export type NetworksErrorCode = keyof typeof networksErrors;
