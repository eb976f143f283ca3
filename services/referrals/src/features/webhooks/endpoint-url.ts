import { addressKind, isPublicAddress } from './address.ts';

export const MAX_URL_LENGTH = 2_000;

export interface UrlIssue {
  code: string;
  detail: string;
}

/**
 * The host as DNS sees it: lower case, without the trailing dot of a fully
 * qualified name (`localhost.` is `localhost`) and without IPv6 brackets.
 */
export function hostOf(url: URL): string {
  const host = url.hostname.toLowerCase().replace(/\.+$/, '');
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** `localhost` and every name under it resolve to this machine (RFC 6761). */
export const isLocalName = (host: string): boolean => host === 'localhost' || host.endsWith('.localhost');

/** This machine: the names that resolve to it and the loopback addresses. */
export const isLocalHost = (host: string): boolean => isLocalName(host) || addressKind(host) === 'loopback';

/**
 * Whether a URL may receive webhooks. HTTPS only, so the events and the
 * signature travel encrypted; plain http only to this machine and only when
 * the deployment allows it (development and tests). No credentials in the
 * URL (they would sit in our database and logs), no fragment, bounded
 * length, and no local name or literal private, loopback or other
 * non-public address over https. A name is checked again where it counts,
 * when the dispatcher resolves it (sender.ts): DNS can point anywhere.
 */
export function checkEndpointUrl(raw: string, allowLocalHttp: boolean): UrlIssue[] {
  if (raw.length > MAX_URL_LENGTH) {
    return [{ code: 'too_long', detail: `at most ${MAX_URL_LENGTH} characters` }];
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [{ code: 'invalid_url', detail: 'not an absolute URL' }];
  }
  const issues: UrlIssue[] = [];
  const host = hostOf(url);
  const local = isLocalHost(host);
  if (url.protocol === 'http:') {
    if (!(allowLocalHttp && local)) {
      issues.push({
        code: 'https_required',
        detail: allowLocalHttp ? 'use https (http only for localhost or 127.0.0.1)' : 'use https',
      });
    }
  } else if (url.protocol !== 'https:') {
    issues.push({ code: 'https_required', detail: 'use https' });
  } else if (!allowLocalHttp && (isLocalName(host) || (addressKind(host) !== 'invalid' && !isPublicAddress(host)))) {
    issues.push({ code: 'private_address', detail: 'the host must be reachable on the public internet' });
  }
  if (url.username || url.password) {
    issues.push({
      code: 'credentials_in_url',
      detail: 'no user name or password in the URL; verify our signature instead',
    });
  }
  if (url.hash) issues.push({ code: 'fragment_in_url', detail: 'no #fragment' });
  return issues;
}
