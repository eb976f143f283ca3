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

/** RFC 3986's unreserved characters and sub-delimiters, and a percent-encoded octet. */
const CHARACTER = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})";

/**
 * The form of an endpoint URL, as the OpenAPI document states it: https, a
 * host (a name or a bracketed IP literal) and port without credentials, a
 * path and query of RFC 3986's characters (so anything else, spaces and
 * non-ASCII among them, is percent-encoded), no fragment. A URL that matches
 * it is a URI, and is refused, if at all, only by a rule of the deployment
 * no schema states (422), never as malformed (400).
 */
export const ENDPOINT_URL_PATTERN =
  `^https://(?:${CHARACTER}+|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]*)?` +
  `(?:/(?:${CHARACTER}|[:@])*)*(?:\\?(?:${CHARACTER}|[:@/?])*)?$`;
const endpointUrlPattern = new RegExp(ENDPOINT_URL_PATTERN);

export interface EndpointUrlIssues {
  /** Where the URL does not match the document's form: the request is malformed (400). */
  form: UrlIssue[];
  /** Where a URL of the right form cannot be called from this deployment (422). */
  rules: UrlIssue[];
}

/**
 * Whether a URL may receive webhooks. HTTPS only, so the events and the
 * signature travel encrypted; plain http only to this machine and only when
 * the deployment allows it (development and tests). No credentials in the
 * URL (they would sit in our database and logs), no fragment, bounded
 * length, and no local name or literal private, loopback or other
 * non-public address over https. A name is checked again where it counts,
 * when the dispatcher resolves it (sender.ts): DNS can point anywhere.
 */
export function checkEndpointUrl(raw: string, allowLocalHttp: boolean): EndpointUrlIssues {
  if (raw.length > MAX_URL_LENGTH) {
    return { form: [{ code: 'too_long', detail: `at most ${MAX_URL_LENGTH} characters` }], rules: [] };
  }
  const parts = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)/.exec(raw);
  if (!parts) return { form: [{ code: 'invalid_url', detail: 'not an absolute URL' }], rules: [] };
  const [, scheme, authority = ''] = parts;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  const localHttp = scheme === 'http' && allowLocalHttp && url !== undefined && isLocalHost(hostOf(url));
  const form: UrlIssue[] = [];
  if (scheme !== 'https' && !localHttp) {
    form.push({
      code: 'https_required',
      detail: allowLocalHttp ? 'use https (http only for localhost or 127.0.0.1)' : 'use https',
    });
  }
  if (authority.includes('@')) {
    form.push({
      code: 'credentials_in_url',
      detail: 'no user name or password in the URL; verify our signature instead',
    });
  }
  if (raw.includes('#')) form.push({ code: 'fragment_in_url', detail: 'no #fragment' });
  if (form.length === 0 && !localHttp && !endpointUrlPattern.test(raw)) {
    form.push({
      code: 'invalid_url',
      detail: 'expected https://host/path?query in URI characters; percent-encode the others',
    });
  }
  if (form.length > 0 || localHttp) return { form, rules: [] };
  if (!url) return { form, rules: [{ code: 'invalid_host', detail: 'the host or port cannot be called' }] };
  const host = hostOf(url);
  if (!allowLocalHttp && (isLocalName(host) || (addressKind(host) !== 'invalid' && !isPublicAddress(host)))) {
    return { form, rules: [{ code: 'private_address', detail: 'the host must be reachable on the public internet' }] };
  }
  return { form, rules: [] };
}
