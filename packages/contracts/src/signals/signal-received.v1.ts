import { z } from 'zod';
import { defineEvent } from '../events.ts';
import { topics } from '../topics.ts';

export const SignalType = z.enum(['rent', 'energy', 'water', 'health_insurance']);
export type SignalType = z.infer<typeof SignalType>;

/**
 * Arrears as a band, not an amount: enough to route on (a rule may send large
 * arrears to a debt specialist), too coarse to identify anyone.
 */
export const AmountBand = z.enum(['under_500', '500_to_2000', '2000_to_5000', 'over_5000']);
export type AmountBand = z.infer<typeof AmountBand>;

/**
 * A partner handed over an early-warning signal. Thin on purpose: the
 * router needs the address only as postcode and house number to find the
 * neighbourhood; names, birth dates and contact details stay in signals.
 */
export const SignalReceivedV1 = defineEvent({
  domain: 'signals',
  name: 'SignalReceived',
  version: 1,
  topic: topics.signalsEvents,
  schema: z.strictObject({
    signalId: z.uuid(),
    municipalityCode: z
      .string()
      .regex(/^GM\d{4}$/)
      .optional(),
    signalType: SignalType,
    postcode: z.string().regex(/^\d{4}[A-Z]{2}$/),
    houseNumber: z.number().int().positive(),
    crisis: z.boolean(),
    amountBand: AmountBand.optional(),
    receivedAt: z.iso.datetime({ offset: true }),
  }),
  key: (data) => data.signalId,
});
