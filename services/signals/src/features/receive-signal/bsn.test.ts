import { describe, expect, it } from 'vitest';
import { bsnFields } from './bsn.ts';

describe('BSN refusal', () => {
  it('finds a BSN at the top and inside the subject, under its usual names, without echoing it', () => {
    const fields = bsnFields({ bsn: '123456782', subject: { Burgerservicenummer: '123456782' } });
    expect(fields.map((entry) => [entry.pointer, entry.code])).toEqual([
      ['/bsn', 'bsn_not_allowed'],
      ['/subject/Burgerservicenummer', 'bsn_not_allowed'],
    ]);
    expect(JSON.stringify(fields)).not.toContain('123456782');
  });

  it('a signal without a BSN passes', () => {
    expect(bsnFields({ type: 'rent', subject: { givenName: 'Anna' } })).toEqual([]);
    expect(bsnFields(null)).toEqual([]);
  });
});
