import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ReferralListQuery } from './referrals.ts';
import { EuroAmount, Phone, typedText } from './signals.ts';

/**
 * A request the OpenAPI document allows is never refused as malformed (400):
 * what the document says of these schemas (the request side, as the
 * services publish it) must be what the schemas themselves accept.
 */
const documented = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
const statusPattern = new RegExp(
  ((documented(ReferralListQuery).properties as Record<string, { pattern: string }>).status as { pattern: string })
    .pattern,
);
const statusAccepted = (status: string) => ReferralListQuery.safeParse({ status }).success;

describe('the team inbox status list', () => {
  it.each([
    ['a status named twice', 'routed,routed'],
    ['more statuses than there are', 'transferred,transferred,expired,expired,closed,declined,accepted,routed,routed'],
    ['tabs and line breaks around the names', ' routed\t,\naccepted\r'],
  ])('when the document allows %s, then the schema takes it', (_, status) => {
    expect(statusPattern.test(status)).toBe(true);
    expect(statusAccepted(status)).toBe(true);
  });

  it.each([
    ['a vertical tab', '\u000brouted'],
    ['a form feed', 'routed,\u000caccepted'],
    ['an unknown status', 'routed,lost'],
  ])('when the list holds %s, then the document refuses it as the schema does', (_, status) => {
    expect(statusPattern.test(status)).toBe(false);
    expect(statusAccepted(status)).toBe(false);
  });

  it('when a status is named twice, then it counts once', () => {
    expect(ReferralListQuery.parse({ status: 'routed, routed,accepted' }).status).toEqual(['routed', 'accepted']);
  });
});

/** Whether the document's pattern and length allow a text, and whether the schema takes it. */
const verdicts = (schema: z.ZodType, text: string) => {
  const { pattern, maxLength } = documented(schema) as { pattern: string; maxLength: number };
  return {
    document: new RegExp(pattern).test(text) && text.length <= maxLength,
    schema: schema.safeParse(text).success,
  };
};

describe('typed text', () => {
  const oneLine = typedText({ max: 10 });
  const note = typedText({ max: 10, lines: 'several', blank: true });

  it.each([
    ['a name', oneLine, 'Jansen', true],
    ['spaces around a name', oneLine, '  Jansen ', true],
    ['a blank name', oneLine, '   ', false],
    ['a name of no-break spaces', oneLine, '\u00a0\u3000', false],
    ['a name with DEL, which the platform guard refuses', oneLine, 'Jansen\u007f', false],
    ['a name with a tab', oneLine, 'Jan\tsen', false],
    ['a name over the limit only with its spaces', oneLine, 'Jansen     ', false],
    ['a note of two lines', note, 'Bel\nterug', true],
    ['a blank note', note, ' \n ', true],
    ['a note with DEL', note, 'Bel\u007f', false],
  ])('when the text is %s, then the document and the schema agree', (_, schema, text, allowed) => {
    expect(verdicts(schema, text)).toEqual({ document: allowed, schema: allowed });
  });

  it('stores the text trimmed', () => {
    expect(oneLine.parse('  Jansen ')).toBe('Jansen');
  });
});

describe('a phone number', () => {
  it.each([
    ['0612345678', true],
    [' +31 6 1234 5678 ', true],
    [' -0090', true],
    ['-0090', false],
    ['06-CALL-ME', false],
  ])('when it is %j, then the document and the schema agree', (text, allowed) => {
    const { pattern } = documented(Phone) as { pattern: string };
    expect({ document: new RegExp(pattern).test(text), schema: Phone.safeParse(text).success }).toEqual({
      document: allowed,
      schema: allowed,
    });
  });
});

describe('an amount in euros', () => {
  it('states its cents in the document, as the schema refuses a third decimal', () => {
    expect(documented(EuroAmount).multipleOf).toBe(0.01);
    expect(EuroAmount.safeParse(10.001).success).toBe(false);
    expect(EuroAmount.safeParse(612.5).success).toBe(true);
  });
});
