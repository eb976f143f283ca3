import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret, secretKey, sign, webhookHeaders } from './signature.ts';

describe('Standard Webhooks signature', () => {
  it('when signing the reference vector of the Standard Webhooks libraries, then the signature is theirs', () => {
    // standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts, "sign function works".
    expect(
      sign({
        id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        timestamp: 1614265330,
        body: '{"test": 2432232314}',
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      }),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('when the secret comes without its whsec_ prefix, then it signs the same (as the libraries accept both)', () => {
    const input = { id: 'msg_1', timestamp: 1, body: '{}' };
    expect(sign({ ...input, secret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })).toBe(
      sign({ ...input, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
    );
  });

  it('when any of id, timestamp or body changes, then the signature changes', () => {
    const secret = generateSecret();
    const base = { id: 'a', timestamp: 1700000000, body: '{"x":1}', secret };
    const signatures = new Set([
      sign(base),
      sign({ ...base, id: 'b' }),
      sign({ ...base, timestamp: 1700000001 }),
      sign({ ...base, body: '{"x":2}' }),
    ]);
    expect(signatures.size).toBe(4);
  });

  it('when a secret is generated, then it is whsec_ and 32 random bytes, different each time', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(secretKey(secret)).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
  });

  it('when headers are built, then they carry the id, the timestamp in seconds and a verifiable signature', () => {
    const secret = generateSecret();
    const headers = webhookHeaders({ id: 'delivery-1', timestamp: 1700000000, body: 'body', secret });
    const expected = createHmac('sha256', secretKey(secret)).update('delivery-1.1700000000.body').digest('base64');
    expect(headers).toEqual({
      'webhook-id': 'delivery-1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': `v1,${expected}`,
    });
  });

  it('when a receiver verifies with a Standard Webhooks library, then the headers pass', () => {
    const secret = generateSecret();
    const body = '{"type":"nl.vangnet.networks.RoutingDecided.v2"}';
    const headers = webhookHeaders({ id: 'delivery-2', timestamp: Math.floor(Date.now() / 1000), body, secret });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });
});
