import { Readable } from 'node:stream';
import { CsvError, type Options, parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';

/**
 * CSV as the services read it (partners' spreadsheet exports, the postcode
 * map), on the maintained csv-parse: RFC 4180 quoting with `""` and line
 * breaks inside quotes; CRLF, LF or CR, mixed; a UTF-8 byte order mark
 * skipped; a quote is strict (text after a closing quote, or a quote inside
 * an unquoted field, refuses the input at its row: that is how a quote left
 * open is caught where it was opened, not at the end of the file); blank
 * lines skipped but counted, so row numbers
 * match what a spreadsheet shows; C0 control characters other than tab, CR
 * and LF refused, naming the row, never the value (a NUL cannot even be
 * stored). A row is bounded, so an unclosed quote cannot swallow the rest of
 * a 100 MB file into memory.
 */

export const MAX_ROW_CHARS = 10_000;

/** The input cannot be read as CSV; `row` is the spreadsheet row number (header = 1). */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  readonly row: number;
  /** What is wrong, without the row. */
  readonly reason: string;
  constructor(row: number, reason: string) {
    super(`row ${row}: ${reason}`);
    this.row = row;
    this.reason = reason;
  }
}

export type Separator = ';' | ',';

/** One record with its spreadsheet row number (the header is row 1; blank lines count, as a spreadsheet shows them). */
export interface CsvRecord {
  row: number;
  fields: string[];
}

/** The separator that occurs more often outside quotes in the header line; `;` on a tie (Dutch exports). */
export function detectSeparator(headerLine: string): Separator {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === ';') semicolons += 1;
    else if (!quoted && char === ',') commas += 1;
  }
  return commas > semicolons ? ',' : ';';
}

/** The first line, up to its first line break outside quotes; undefined while none arrived. */
function firstLine(text: string): string | undefined {
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) return text.slice(0, i);
  }
  return undefined;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

function refuseControlCharacters(fields: readonly string[], row: number) {
  for (const field of fields) {
    const match = CONTROL.exec(field);
    if (match) {
      const codePoint = `U+${(match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
      throw new CsvSyntaxError(row, `a field holds the control character ${codePoint}`);
    }
  }
}

const options = (delimiter: Separator, maxRowChars: number): Options => ({
  delimiter,
  bom: true,
  record_delimiter: ['\r\n', '\n', '\r'],
  relax_quotes: false,
  // Each caller names a row with the wrong number of fields itself, with its own code.
  relax_column_count: true,
  skip_empty_lines: true,
  max_record_size: maxRowChars,
  info: true,
});

/**
 * csv-parse's own messages can quote the field they stopped at (personal
 * data): only the row and what is wrong leave here.
 */
function syntaxError(error: CsvError, maxRowChars: number): CsvSyntaxError {
  const context = error as CsvError & { records?: number; empty_lines?: number };
  const row = (context.records ?? 0) + (context.empty_lines ?? 0) + 1;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new CsvSyntaxError(row, 'a quoted field is never closed');
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new CsvSyntaxError(row, 'text follows a closing quote (a quote left open?)');
    case 'INVALID_OPENING_QUOTE':
      return new CsvSyntaxError(row, 'a quote inside an unquoted field; quote the whole field and double the quote');
    case 'CSV_MAX_RECORD_SIZE':
      return new CsvSyntaxError(row, `the row is longer than ${maxRowChars} characters (an unclosed quote?)`);
    default:
      return new CsvSyntaxError(row, `the row is not readable CSV (${error.code})`);
  }
}

/**
 * Reads CSV from a stream of decoded text, one record at a time: only the
 * record in hand and csv-parse's buffer are in memory, and the source is read
 * no faster than the caller takes records. Without a separator, it is
 * detected from the header line (`separator` is set once the first record
 * is out). An error the source throws (too large, not UTF-8) comes out of
 * the loop as it was thrown.
 */
export class CsvReader {
  #separator: Separator | undefined;
  readonly #maxRowChars: number;

  constructor(settings: { separator?: Separator; maxRowChars?: number } = {}) {
    this.#separator = settings.separator;
    this.#maxRowChars = settings.maxRowChars ?? MAX_ROW_CHARS;
  }

  get separator(): Separator | undefined {
    return this.#separator;
  }

  async *records(text: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
    const source = text[Symbol.asyncIterator]();
    let head = '';
    if (this.#separator === undefined) {
      for (;;) {
        const next = await source.next();
        if (next.done) break;
        head += next.value;
        if (firstLine(head) !== undefined) break;
        if (head.length > this.#maxRowChars) throw new CsvSyntaxError(1, 'the header line never ends');
      }
      this.#separator = detectSeparator(firstLine(head) ?? head);
    }
    async function* all() {
      if (head) yield head;
      for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
    }
    const input = Readable.from(all(), { objectMode: false });
    const parser = parse(options(this.#separator, this.#maxRowChars));
    input.on('error', (error) => parser.destroy(error));
    input.pipe(parser);
    try {
      for await (const { record, info } of parser as AsyncIterable<{
        record: string[];
        info: { records: number; empty_lines: number };
      }>) {
        const row = info.records + info.empty_lines;
        refuseControlCharacters(record, row);
        yield { row, fields: record };
      }
    } catch (error) {
      if (error instanceof CsvError) throw syntaxError(error, this.#maxRowChars);
      throw error;
    } finally {
      input.destroy();
      parser.destroy();
    }
  }
}

/**
 * The fields of one line already split from a file (the postcode map is read
 * line by line), read by the same rules as `CsvReader`.
 */
export function splitCsvLine(line: string, separator: Separator, row: number): string[] {
  try {
    const [record] = parseSync(line, { ...options(separator, MAX_ROW_CHARS), info: false }) as string[][];
    const fields = record ?? [''];
    refuseControlCharacters(fields, row);
    return fields;
  } catch (error) {
    if (error instanceof CsvError) throw syntaxError(error, MAX_ROW_CHARS);
    throw error;
  }
}
