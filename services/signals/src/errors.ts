import type { DomainErrorTable } from '@vangnet/platform/problem';

/** Every domain error code of the signals service, with its HTTP meaning. */
export const signalsErrors = {
  SIGNAL_TYPE_NOT_ALLOWED: { status: 403, title: 'This partner may not send this type of signal' },
  SIGNAL_INVALID: { status: 400, title: 'The signal breaks an intake rule' },
  SIGNAL_NOT_FOUND: { status: 404, title: 'No such signal' },
} satisfies DomainErrorTable;

export type SignalsErrorCode = keyof typeof signalsErrors;
