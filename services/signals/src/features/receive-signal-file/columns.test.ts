import { describe, expect, it } from 'vitest';
import { checkHeader, columnOf, type FileColumn, rowToRequest } from './columns.ts';
import { prepareRow } from './prepare.ts';

const rentColumns: FileColumn[] = [
  'type',
  'reference',
  'family_name',
  'postcode',
  'house_number',
  'arrears_amount',
  'arrears_since',
  'contact_attempted',
  'pointed_to_debt_help',
  'reminder_sent_on',
  'consent_offer_made',
  'tenant_objected',
];

describe('header row', () => {
  it('when column names differ in case and spacing, then they are normalised', () => {
    expect(checkHeader(['Type', ' reference', 'Post code', 'house-number'])).toMatchObject({
      ok: false,
      errors: [expect.objectContaining({ pointer: '/columns/2', code: 'unknown_column' }), expect.anything()],
    });
    expect(checkHeader(['Type', 'REFERENCE', 'postcode', 'House Number'])).toEqual({
      ok: true,
      columns: ['type', 'reference', 'postcode', 'house_number'],
    });
  });

  it('when a BSN column is present, then the file is refused for it alone', () => {
    expect(checkHeader(['type', 'reference', 'postcode', 'house_number', 'BSN'])).toEqual({
      ok: false,
      code: 'SIGNAL_BSN_NOT_ALLOWED',
      errors: [expect.objectContaining({ pointer: '/columns/4', code: 'bsn_not_allowed' })],
    });
  });

  it('when a column repeats and a required one is missing, then both are named', () => {
    const result = checkHeader(['type', 'type', 'postcode', 'house_number']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.code)).toEqual(['duplicate_column', 'missing_column']);
  });
});

describe('a row as a signal request', () => {
  it('when a Dutch rent row is read, then amounts, dates and booleans become what the API takes', () => {
    const fields = ['rent', 'R-1', 'de Vries', '9901 ab', '12', '1.234,56', '01-09-2026', 'ja', 'ja', '', 'ja', 'nee'];
    expect(rowToRequest(rentColumns, fields)).toEqual({
      type: 'rent',
      reference: 'R-1',
      subject: { familyName: 'de Vries' },
      address: { postcode: '9901 ab', houseNumber: 12 },
      arrears: { amount: 1234.56, since: '2026-09-01' },
      preconditions: {
        contactAttempted: true,
        pointedToDebtHelp: true,
        reminderSentOn: null,
        consentOfferMade: true,
        tenantObjected: false,
      },
    });
  });

  it('when an energy row leaves the precondition cells empty, then it has no preconditions', () => {
    const fields = ['energy', 'E-1', '', '9901AB', '3', '240', '2026-09-01', '', '', '', '', ''];
    expect(rowToRequest(rentColumns, fields)).not.toHaveProperty('preconditions');
  });

  it('when cells are not valid, then the errors name the columns to fix', () => {
    const fields = ['rent', 'R-1', '', 'nope', 'twelve', '1,2,3', '', 'misschien', 'ja', '', 'ja', 'nee'];
    const prepared = prepareRow(rentColumns, 7, fields);
    expect(prepared).toMatchObject({ ok: false, row: 7, code: 'VALIDATION_FAILED' });
    if (prepared.ok) return;
    expect(prepared.errors.map((error) => error.column)).toEqual([
      'postcode',
      'house_number',
      'arrears_amount',
      'arrears_since',
      'contact_attempted',
    ]);
  });

  it('when a row has fewer fields than the header, then it is malformed, not guessed at', () => {
    expect(prepareRow(rentColumns, 3, ['rent', 'R-1'])).toMatchObject({ ok: false, code: 'SIGNAL_FILE_ROW_MALFORMED' });
  });

  it('maps group pointers to the group columns', () => {
    expect(columnOf('/preconditions')).toContain('contact_attempted');
    expect(columnOf('/arrears/since')).toBe('arrears_since');
  });
});
