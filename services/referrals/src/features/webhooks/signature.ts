import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com) with the
 * spec's own maintained library: the secret is `whsec_` + base64 of the key
 * bytes; the signature is the base64 HMAC-SHA256 of
 * `<webhook-id>.<webhook-timestamp>.<body>` with those bytes, sent as
 * `v1,<signature>`. Receivers can verify with any Standard Webhooks library.
 */
export const SECRET_PREFIX = 'whsec_';

/** 32 random bytes: the spec asks for 24 to 64. */
export const generateSecret = (): string => `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;

/** The key bytes of a `whsec_` secret (a secret without the prefix is read as base64 too, as the libraries do). */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

export interface SignatureInput {
  /** `webhook-id`: the delivery id, the same on every attempt. */
  id: string;
  /** `webhook-timestamp`: seconds since the epoch of this attempt. */
  timestamp: number;
  /** The exact bytes sent as the request body. */
  body: string;
  secret: string;
}

/** The `webhook-signature` header value. */
export function sign({ id, timestamp, body, secret }: SignatureInput): string {
  // The library takes the secret with or without `whsec_` and the time as a Date (it signs whole seconds).
  return new Webhook(secret).sign(id, new Date(timestamp * 1000), body);
}

/** The three Standard Webhooks headers of one attempt. */
export function webhookHeaders(input: SignatureInput): Record<string, string> {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': sign(input),
  };
}
