import type { DomainErrorTable } from '@vangnet/platform/problem';

/** Every domain error code of the networks service, with its HTTP meaning. */
export const networksErrors = {} satisfies DomainErrorTable;
