import { SignalRequest } from '@vangnet/contracts/http/signals';
import { invalidFields } from '@vangnet/platform/problem';
import { columnOf, type FileColumn, rowToRequest } from './columns.ts';

/** A field error of a row, named by its column as well as by its pointer into the signal. */
export interface RowFieldError {
  column?: string;
  pointer: string;
  code: string;
  detail: string;
}

export interface RowError {
  row: number;
  code: string;
  detail?: string;
  errors: RowFieldError[];
}

export type PreparedRow = { row: number; ok: true; request: SignalRequest } | ({ ok: false } & RowError);

export const withColumns = (errors: readonly { pointer: string; code: string; detail: string }[]): RowFieldError[] =>
  errors.map(({ pointer, code, detail }) => {
    const column = columnOf(pointer);
    return { ...(column ? { column } : {}), pointer, code, detail };
  });

/**
 * Turns one staged row into the request `POST /v1/signals` would have
 * received, validated by the same schema, or into the row's errors. Pure.
 */
export function prepareRow(columns: readonly FileColumn[], row: number, fields: readonly string[]): PreparedRow {
  if (fields.length !== columns.length) {
    return {
      row,
      ok: false,
      code: 'SIGNAL_FILE_ROW_MALFORMED',
      detail: `the row has ${fields.length} fields, the header ${columns.length}`,
      errors: [],
    };
  }
  const parsed = SignalRequest.safeParse(rowToRequest(columns, fields));
  if (!parsed.success) {
    return {
      row,
      ok: false,
      code: 'VALIDATION_FAILED',
      detail: 'the row has invalid fields; see errors',
      errors: withColumns(invalidFields('body', parsed.error.issues)),
    };
  }
  return { row, ok: true, request: parsed.data };
}
