import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ReferralListQuery } from './referrals.ts';
import { EuroAmount, withoutControlCharacters } from './signals.ts';

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

describe('text of one line', () => {
  it('when it holds DEL, then the document refuses it as the platform guard does', () => {
    const schema = withoutControlCharacters(z.string());
    const pattern = new RegExp(documented(schema).pattern as string);
    expect(pattern.test('Jansen\u007f')).toBe(false);
    expect(schema.safeParse('Jansen\u007f').success).toBe(false);
    expect(pattern.test('Jansen')).toBe(true);
  });
});

describe('an amount in euros', () => {
  it('states its cents in the document, as the schema refuses a third decimal', () => {
    expect(documented(EuroAmount).multipleOf).toBe(0.01);
    expect(EuroAmount.safeParse(10.001).success).toBe(false);
    expect(EuroAmount.safeParse(612.5).success).toBe(true);
  });
});
