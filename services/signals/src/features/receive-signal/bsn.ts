import type { InvalidField } from '@vangnet/platform/problem';

/** Field names under which a BSN arrives in partners' exports. */
const BSN_NAMES = new Set(['bsn', 'burgerservicenummer', 'citizenservicenumber', 'sofinummer']);

const toPointer = (path: string[]) =>
  path.map((segment) => `/${segment.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/**
 * Finds BSN fields anywhere in a request body. Landlords, utilities, insurers
 * and schools have no legal basis to hand over a BSN, so one is refused with
 * its own code rather than as just another unknown field: the partner must
 * fix its export, not only drop a column. The value itself is never echoed.
 */
export function bsnFields(body: unknown, path: string[] = []): InvalidField[] {
  if (Array.isArray(body)) return body.flatMap((item, index) => bsnFields(item, [...path, String(index)]));
  if (body === null || typeof body !== 'object') return [];
  return Object.entries(body).flatMap(([key, value]) =>
    BSN_NAMES.has(key.toLowerCase())
      ? [
          {
            in: 'body',
            pointer: toPointer([...path, key]),
            code: 'bsn_not_allowed',
            detail: 'partners have no legal basis to send a BSN; remove it from the export',
          },
        ]
      : bsnFields(value, [...path, key]),
  );
}
