/** One invalid field of a request (the shape problem.ts reports). */
interface InvalidField {
  in: string;
  pointer: string;
  code: string;
  detail: string;
}

/**
 * C0 control characters other than tab, line feed and carriage return, and
 * DEL. None belongs in any text this API takes, and PostgreSQL cannot even
 * store a NUL (it was a 500). Fields of one line (names, references) refuse
 * tab and line breaks too, in their own schema.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const pointerOf = (path: (string | number)[]) =>
  path.map((segment) => `/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

/**
 * Every string (and object key) in a parsed JSON value that holds a control
 * character, as invalid fields. Iterative, so a body nested ever so deep
 * cannot exhaust the stack; anything but JSON values (a streamed upload) is
 * left to its own reader.
 */
export function controlCharacterFields(value: unknown, part: string): (InvalidField & { path: (string | number)[] })[] {
  const found: (InvalidField & { path: (string | number)[] })[] = [];
  const report = (path: (string | number)[], detail: string) =>
    found.push({ in: part, path, pointer: pointerOf(path), code: 'invalid_format', detail });
  const pending: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value: current, path } = next;
    if (typeof current === 'string') {
      if (CONTROL.test(current)) report(path, 'must not contain control characters');
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => {
        pending.push({ value: item, path: [...path, index] });
      });
    } else if (isPlainObject(current)) {
      for (const [key, item] of Object.entries(current)) {
        if (CONTROL.test(key)) report([...path, key], 'control characters in a field name');
        pending.push({ value: item, path: [...path, key] });
      }
    }
  }
  return found;
}

/**
 * A request schema carrying this metadata (`.meta({ [PER_ITEM]: true })`)
 * takes items that its route validates one by one (a batch): a control
 * character refuses that item, not the whole request.
 */
export const PER_ITEM = 'x-control-characters-per-item';
