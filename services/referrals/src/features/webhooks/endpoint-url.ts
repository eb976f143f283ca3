import { isIP } from 'node:net';

export const MAX_URL_LENGTH = 2_000;

export interface UrlIssue {
  code: string;
  detail: string;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Literal addresses that are not on the public internet. A webhook must not
 * make this service call into its own network (metadata services, the
 * database, admin ports) on a partner's behalf.
 */
function isPrivateAddress(host: string): boolean {
  const bare = host.startsWith('[') ? host.slice(1, -1).toLowerCase() : host;
  const version = isIP(bare);
  if (version === 4) {
    const [a = 0, b = 0] = bare.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  if (version === 6) {
    return (
      bare === '::' ||
      bare === '::1' ||
      bare.startsWith('fc') ||
      bare.startsWith('fd') ||
      bare.startsWith('fe80') ||
      bare.startsWith('::ffff:')
    );
  }
  return false;
}

/**
 * Whether a URL may receive webhooks. HTTPS only, so the events and the
 * signature travel encrypted; plain http only to this machine and only when
 * the deployment allows it (development and tests). No credentials in the
 * URL (they would sit in our database and logs), no fragment, bounded
 * length, and no literal private or loopback address over https.
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
  const local = LOCAL_HOSTS.has(url.hostname);
  if (url.protocol === 'http:') {
    if (!(allowLocalHttp && local)) {
      issues.push({
        code: 'https_required',
        detail: allowLocalHttp ? 'use https (http only for localhost or 127.0.0.1)' : 'use https',
      });
    }
  } else if (url.protocol !== 'https:') {
    issues.push({ code: 'https_required', detail: 'use https' });
  } else if (!allowLocalHttp && (local || isPrivateAddress(url.hostname))) {
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
