import type { InvalidField } from '@vangnet/platform/problem';

/*
 * The CSV columns of a signal file: one column per field of a signal, named
 * in snake_case, so one export layout covers every signal type (a column a
 * type does not use stays empty). Values are strings in the file; the
 * converters below turn them into what the JSON API takes, and leave
 * anything they do not understand as it is so that validation names it.
 */

type Kind = 'text' | 'integer' | 'amount' | 'date' | 'boolean' | 'date_or_null';

interface Column {
  /** Where the value goes in a signal request. */
  path: [string] | [string, string];
  kind: Kind;
}

export const fileColumns = {
  type: { path: ['type'], kind: 'text' },
  reference: { path: ['reference'], kind: 'text' },
  given_name: { path: ['subject', 'givenName'], kind: 'text' },
  family_name: { path: ['subject', 'familyName'], kind: 'text' },
  date_of_birth: { path: ['subject', 'dateOfBirth'], kind: 'date' },
  phone: { path: ['subject', 'phone'], kind: 'text' },
  email: { path: ['subject', 'email'], kind: 'text' },
  postcode: { path: ['address', 'postcode'], kind: 'text' },
  house_number: { path: ['address', 'houseNumber'], kind: 'integer' },
  house_number_addition: { path: ['address', 'houseNumberAddition'], kind: 'text' },
  arrears_amount: { path: ['arrears', 'amount'], kind: 'amount' },
  arrears_since: { path: ['arrears', 'since'], kind: 'date' },
  contact_attempted: { path: ['preconditions', 'contactAttempted'], kind: 'boolean' },
  tenant_reached: { path: ['preconditions', 'tenantReached'], kind: 'boolean' },
  pointed_to_debt_help: { path: ['preconditions', 'pointedToDebtHelp'], kind: 'boolean' },
  reminder_sent_on: { path: ['preconditions', 'reminderSentOn'], kind: 'date_or_null' },
  consent_offer_made: { path: ['preconditions', 'consentOfferMade'], kind: 'boolean' },
  tenant_objected: { path: ['preconditions', 'tenantObjected'], kind: 'boolean' },
  crisis_kind: { path: ['crisis', 'kind'], kind: 'text' },
  crisis_planned_on: { path: ['crisis', 'plannedOn'], kind: 'date' },
  absence_hours: { path: ['absence', 'hours'], kind: 'integer' },
  absence_from: { path: ['absence', 'from'], kind: 'date' },
  absence_to: { path: ['absence', 'to'], kind: 'date' },
} satisfies Record<string, Column>;

export type FileColumn = keyof typeof fileColumns;
const columnNames = Object.keys(fileColumns) as FileColumn[];
export const requiredColumns: readonly FileColumn[] = ['type', 'reference', 'postcode', 'house_number'];
export const MAX_COLUMNS = 100;

/** Column names under which a BSN arrives in partners' exports. */
const BSN_COLUMNS = new Set([
  'bsn',
  'burgerservicenummer',
  'citizenservicenumber',
  'citizen_service_number',
  'sofinummer',
]);

/** `House Number` and `house-number` are `house_number`. */
export const normaliseColumn = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

const headerField = (index: number, code: string, detail: string): InvalidField => ({
  in: 'body',
  pointer: `/columns/${index}`,
  code,
  detail,
});

/**
 * Checks the header row. Unknown and repeated columns are refused rather
 * than ignored, as unknown JSON fields are; a BSN column is refused on its
 * own, since the partner must fix its export.
 */
export function checkHeader(
  header: string[],
): { ok: true; columns: FileColumn[] } | { ok: false; code: string; errors: InvalidField[] } {
  const names = header.map(normaliseColumn);
  const bsn = names.flatMap((name, index) =>
    BSN_COLUMNS.has(name)
      ? [headerField(index, 'bsn_not_allowed', 'partners have no legal basis to send a BSN; remove the column')]
      : [],
  );
  if (bsn.length > 0) return { ok: false, code: 'SIGNAL_BSN_NOT_ALLOWED', errors: bsn };
  const errors: InvalidField[] = [];
  if (names.length > MAX_COLUMNS) {
    errors.push(headerField(MAX_COLUMNS, 'too_many_columns', `at most ${MAX_COLUMNS} columns`));
  }
  const seen = new Set<string>();
  names.forEach((name, index) => {
    if (!(name in fileColumns)) {
      errors.push(
        headerField(index, 'unknown_column', `unknown column "${name.slice(0, 50)}"; known: ${columnNames.join(', ')}`),
      );
    } else if (seen.has(name)) {
      errors.push(headerField(index, 'duplicate_column', `column ${name} appears twice`));
    }
    seen.add(name);
  });
  for (const required of requiredColumns) {
    if (!seen.has(required)) {
      errors.push({
        in: 'body',
        pointer: '/columns',
        code: 'missing_column',
        detail: `column ${required} is required`,
      });
    }
  }
  if (errors.length > 0) return { ok: false, code: 'SIGNAL_FILE_COLUMNS_INVALID', errors };
  return { ok: true, columns: names as FileColumn[] };
}

const TRUE = new Set(['true', 'yes', 'ja', 'j', 'y', '1']);
const FALSE = new Set(['false', 'no', 'nee', 'n', '0']);

function convert(kind: Kind, raw: string): unknown {
  const value = raw.trim();
  switch (kind) {
    case 'integer':
      return /^\d{1,9}$/.test(value) ? Number(value) : value;
    case 'amount': {
      // 612.50, 612,50 and 1.234,56 (Dutch) all mean euros and cents.
      const dutch = /^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$/.test(value) && value.includes(',');
      const normalised = dutch ? value.replaceAll('.', '').replace(',', '.') : value;
      return /^\d+(\.\d+)?$/.test(normalised) ? Number(normalised) : value;
    }
    case 'boolean': {
      const lower = value.toLowerCase();
      return TRUE.has(lower) ? true : FALSE.has(lower) ? false : value;
    }
    case 'date':
    case 'date_or_null': {
      // Dutch exports write 01-09-2026; the API takes 2026-09-01.
      const dutch = /^(\d{2})-(\d{2})-(\d{4})$/.exec(value);
      return dutch ? `${dutch[3]}-${dutch[2]}-${dutch[1]}` : value;
    }
    default:
      return value;
  }
}

/**
 * One data row as the JSON request the API takes. An empty cell is an
 * absent field; a group (subject, arrears, preconditions, crisis, absence)
 * is present when any of its cells is filled, so a half-filled group is
 * reported field by field. An empty reminder date inside filled
 * preconditions means "no reminder sent".
 */
export function rowToRequest(columns: readonly FileColumn[], fields: readonly string[]): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  columns.forEach((name, index) => {
    const raw = fields[index] ?? '';
    if (raw.trim() === '') return;
    const { path, kind } = fileColumns[name] as Column;
    const value = convert(kind, raw);
    if (path.length === 1) request[path[0]] = value;
    else {
      request[path[0]] ??= {};
      (request[path[0]] as Record<string, unknown>)[path[1]] = value;
    }
  });
  const preconditions = request.preconditions as Record<string, unknown> | undefined;
  if (preconditions && !('reminderSentOn' in preconditions) && columns.includes('reminder_sent_on')) {
    preconditions.reminderSentOn = null;
  }
  return request;
}

const columnsByPointer = new Map<string, string>([
  ...columnNames.map((name) => [`/${(fileColumns[name] as Column).path.join('/')}`, name] as const),
  ...['subject', 'address', 'arrears', 'preconditions', 'crisis', 'absence'].map(
    (group) =>
      [`/${group}`, columnNames.filter((name) => (fileColumns[name] as Column).path[0] === group).join(', ')] as const,
  ),
]);

/** The column(s) behind a JSON pointer of a validation error, so the partner knows which cell to fix. */
export const columnOf = (pointer: string): string | undefined => columnsByPointer.get(pointer);
