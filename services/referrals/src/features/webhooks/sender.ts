import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as systemLookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { isPublicAddress } from './address.ts';
import { hostOf, isLocalName } from './endpoint-url.ts';

/**
 * What one HTTP attempt came to. The response body is never read or kept:
 * the status code says whether the receiver took the event, and a body
 * would let a URL that reaches an internal service show us (and the owner,
 * in the delivery log) what that service answered.
 */
export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  /** A 429's or 503's `Retry-After`, in milliseconds from the answer; null without one. */
  retryAfterMs: number | null;
  outcome: 'delivered' | 'http_status' | 'redirect_not_followed' | 'timeout' | 'connection_failed' | 'endpoint_refused';
  responseSnippet: null;
  durationMs: number;
}

/**
 * `Retry-After` (RFC 9110): delay-seconds or an HTTP date, as milliseconds
 * from `now`; null when absent or unreadable. A date in the past is 0.
 */
export function retryAfterMs(header: string | undefined, now: number): number | null {
  if (header === undefined) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date) || !/[a-z]/i.test(value)) return null;
  return Math.max(0, date - now);
}

export type Sender = (request: { url: string; headers: Record<string, string>; body: string }) => Promise<SendResult>;

/** Every address a name resolves to (the system resolver by default; tests pass their own). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => systemLookup(hostname, { all: true, verbatim: true });

/** The endpoint resolves to (or is) an address this service must not call. */
class EndpointRefused extends Error {
  override readonly name = 'EndpointRefused';
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The `lookup` of the connection: resolves the name when the connection is
 * made, refuses it if any address it resolves to is not public (a name with
 * one public and one private address is refused, not raced), and hands the
 * socket the one address it checked, so no second lookup can answer
 * differently (DNS rebinding).
 */
export function pinnedLookup(resolve: Resolver, allowLocal: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        const pinned = addresses[0];
        if (!pinned) {
          callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
          return;
        }
        if (!allowLocal && addresses.some(({ address }) => !isPublicAddress(address))) {
          callback(new EndpointRefused('the endpoint resolves to a non-public address'), '');
          return;
        }
        if (options.all) callback(null, [pinned]);
        else callback(null, pinned.address, pinned.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

export interface HttpSenderOptions {
  timeoutMs: number;
  /** Development and tests: plain http and local or private addresses may be called. */
  allowLocal: boolean;
  resolve?: Resolver;
}

/**
 * POSTs one delivery. The host is resolved at send time and only a public
 * address is called (see pinnedLookup); a literal address is checked the
 * same way. Redirects are not followed: a signed event goes to the URL the
 * owner registered and nowhere else. Any 2xx is success; the timeout covers
 * the whole exchange, name resolution included.
 */
export function httpSender(options: HttpSenderOptions): Sender {
  const lookup = pinnedLookup(options.resolve ?? systemResolver, options.allowLocal);
  return async ({ url, headers, body }) => {
    const started = performance.now();
    const result = (
      outcome: SendResult['outcome'],
      statusCode: number | null = null,
      retryAfterMs: number | null = null,
    ): SendResult => ({
      ok: outcome === 'delivered',
      statusCode,
      retryAfterMs,
      outcome,
      responseSnippet: null,
      durationMs: Math.round(performance.now() - started),
    });
    const target = new URL(url);
    const host = hostOf(target);
    const local = isLocalName(host) || (isIP(host) !== 0 && !isPublicAddress(host));
    if (!options.allowLocal && (target.protocol !== 'https:' || local)) {
      return result('endpoint_refused');
    }
    const signal = AbortSignal.timeout(options.timeoutMs);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<SendResult>((resolve) => {
      const request = send(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'user-agent': 'Vangnet-Webhooks/1', 'content-length': Buffer.byteLength(body) },
          lookup,
          // A connection of its own: no pooled socket to an address checked for another delivery.
          agent: false,
          signal,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          // The body is not ours to read.
          response.destroy();
          if (status >= 200 && status < 300) resolve(result('delivered', status));
          else if (status >= 300 && status < 400) resolve(result('redirect_not_followed', status));
          else {
            const retryAfter = status === 429 || status === 503 ? response.headers['retry-after'] : undefined;
            resolve(result('http_status', status, retryAfterMs(retryAfter, Date.now())));
          }
        },
      );
      request.on('error', (error) => {
        if (error instanceof EndpointRefused) resolve(result('endpoint_refused'));
        else if (signal.aborted) resolve(result('timeout'));
        else resolve(result('connection_failed'));
      });
      request.end(body);
    });
  };
}
