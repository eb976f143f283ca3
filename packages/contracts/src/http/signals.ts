import { z } from 'zod';
import { SignalType } from '../signals/signal-received.v1.ts';

/** Dutch postcode, normalised to `1234AB` before validation. */
export const Postcode = z
  .string()
  .transform((value) => value.replace(/\s+/g, '').toUpperCase())
  .pipe(z.string().regex(/^[1-9]\d{3}[A-Z]{2}$/, 'expected a Dutch postcode such as 1234AB'));

export const Address = z.strictObject({
  postcode: Postcode,
  houseNumber: z.number().int().min(1).max(99999),
  houseNumberAddition: z.string().trim().min(1).max(10).optional(),
});

const hasAtMostTwoDecimals = (value: number) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6;

/** Euros with at most two decimals, as partners' ledgers record them. */
export const EuroAmount = z
  .number()
  .positive()
  .max(10_000_000)
  .refine(hasAtMostTwoDecimals, 'expected at most two decimals (euro cents)');

export const SignalRequest = z.strictObject({
  type: SignalType,
  /** The partner's own reference; unique per partner, so a resend is recognised. */
  reference: z.string().trim().min(1).max(100),
  address: Address,
  arrears: z.strictObject({
    amount: EuroAmount,
    since: z.iso.date(),
  }),
});
export type SignalRequest = z.infer<typeof SignalRequest>;

export const SignalStatus = z.enum(['received']);

export const SignalResponse = z.object({
  id: z.uuid(),
  reference: z.string(),
  type: SignalType,
  status: SignalStatus,
  receivedAt: z.iso.datetime({ offset: true }),
});
export type SignalResponse = z.infer<typeof SignalResponse>;
