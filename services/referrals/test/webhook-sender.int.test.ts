import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSender, type Resolver } from '../src/features/webhooks/sender.ts';
import { startReceiver } from './webhook-harness.ts';

/**
 * The sender against a real HTTP server on 127.0.0.1, with a resolver of
 * the test's own standing in for DNS: a partner's name that points at this
 * machine must not be called unless the deployment allows local endpoints.
 */
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
});

const to =
  (address: string, family = 4): Resolver =>
  async () => [{ address, family }];
const send = (sender: ReturnType<typeof httpSender>, url: string) =>
  sender({ url, headers: { 'content-type': 'application/cloudevents+json' }, body: '{"specversion":"1.0"}' });

describe('where the sender may connect', () => {
  it('when a partner name resolves to 127.0.0.1 and local endpoints are not allowed, then nothing connects', async () => {
    const before = receiver.connections.count;
    const sender = httpSender({ timeoutMs: 2_000, allowLocal: false, resolve: to('127.0.0.1') });
    const result = await send(sender, `https://hooks.partner.example:${receiver.port}/vangnet`);
    expect(result).toMatchObject({ ok: false, statusCode: null, outcome: 'endpoint_refused', responseSnippet: null });
    expect(receiver.connections.count).toBe(before);
  });

  it('when a name resolves to one public and one private address, then it is refused rather than raced', async () => {
    const before = receiver.connections.count;
    const resolve: Resolver = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '::ffff:127.0.0.1', family: 6 },
    ];
    const result = await send(
      httpSender({ timeoutMs: 2_000, allowLocal: false, resolve }),
      `https://mixed.partner.example:${receiver.port}/vangnet`,
    );
    expect(result.outcome).toBe('endpoint_refused');
    expect(receiver.connections.count).toBe(before);
  });

  it('when the host is localhost (with or without the trailing dot) or a non-public literal, then nothing connects', async () => {
    const before = receiver.connections.count;
    const sender = httpSender({ timeoutMs: 2_000, allowLocal: false });
    for (const host of [
      'localhost',
      'localhost.',
      'LocalHost.',
      'hooks.localhost',
      '127.0.0.1',
      '[::ffff:7f00:1]',
      '[::1]',
    ]) {
      const result = await send(sender, `https://${host}:${receiver.port}/vangnet`);
      expect(result.outcome, host).toBe('endpoint_refused');
    }
    expect((await send(sender, receiver.url)).outcome).toBe('endpoint_refused');
    expect(receiver.connections.count).toBe(before);
  });

  it('when local endpoints are allowed, then the connection goes to the address the resolver gave, under the partner name', async () => {
    const before = receiver.received.length;
    let lookups = 0;
    const resolve: Resolver = async () => {
      lookups += 1;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    // No DNS knows this name: the request can only arrive through the checked, pinned address.
    const result = await send(
      httpSender({ timeoutMs: 2_000, allowLocal: true, resolve }),
      `http://hooks.partner.invalid:${receiver.port}/vangnet`,
    );
    expect(result).toMatchObject({ ok: true, statusCode: 204, outcome: 'delivered', responseSnippet: null });
    expect(lookups).toBe(1);
    expect(receiver.received).toHaveLength(before + 1);
    expect(receiver.received.at(-1)?.headers.host).toBe(`hooks.partner.invalid:${receiver.port}`);
  });

  it('when the name does not resolve in time, then the attempt times out: resolution counts in the timeout', async () => {
    const resolve: Resolver = () => new Promise(() => undefined);
    const result = await send(
      httpSender({ timeoutMs: 150, allowLocal: false, resolve }),
      'https://slow.partner.example/vangnet',
    );
    expect(result.outcome).toBe('timeout');
  });
});
