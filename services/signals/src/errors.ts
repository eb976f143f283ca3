import type { DomainErrorTable } from '@vangnet/platform/problem';

/** Every domain error code of the signals service, with its HTTP meaning. */
export const signalsErrors = {
  SIGNAL_TYPE_NOT_ALLOWED: { status: 403, title: 'This partner may not send this type of signal' },
  SIGNAL_INVALID: { status: 422, title: 'The signal breaks an intake rule' },
  // 400: the document allows no BSN field anywhere (an unknown field); the code only says why. A file's BSN
  // column shares the code, so it is a 400 too, though any text is a valid text/csv body by the document.
  SIGNAL_BSN_NOT_ALLOWED: { status: 400, title: 'Partners may not send a BSN' },
  SIGNAL_PRECONDITIONS_NOT_MET: { status: 422, title: 'The landlord preconditions for a rent signal are not met' },
  SIGNAL_TENANT_OBJECTED: { status: 422, title: 'The tenant objected to the signal' },
  SIGNAL_OUTSIDE_CONVENANT_WINDOW: { status: 422, title: 'The arrears are outside the convenant window for this type' },
  SIGNAL_NOT_FOUND: { status: 404, title: 'No such signal' },
  SIGNAL_BATCH_TOO_LARGE: { status: 413, title: 'A batch holds at most 1,000 signals' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'This Idempotency-Key was used for another request' },
  IDEMPOTENCY_KEY_IN_PROGRESS: { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  SIGNAL_FILE_MALFORMED: { status: 422, title: 'The file cannot be read as CSV' },
  SIGNAL_FILE_COLUMNS_INVALID: { status: 422, title: 'The header row names unknown, repeated or too few columns' },
  SIGNAL_FILE_EMPTY: { status: 422, title: 'The file holds no header or no data rows' },
  SIGNAL_FILE_TOO_LARGE: { status: 413, title: 'The file is over the size or row limit' },
  SIGNAL_FILE_NOT_FOUND: { status: 404, title: 'No such file delivery' },
  CASE_NOT_FOUND: { status: 404, title: 'No such case among your referrals' },
  INVALID_CURSOR: { status: 422, title: 'The cursor is not one this API handed out' },
} satisfies DomainErrorTable;

export type SignalsErrorCode = keyof typeof signalsErrors;
