/**
 * A streaming CSV reader for partners' exports (RFC 4180 with the habits of
 * spreadsheet exports): `;` or `,` as separator, detected from the header
 * line; quoted fields with `""` for a quote and line breaks inside; CRLF or
 * LF; a UTF-8 byte order mark is skipped; blank lines are skipped (but
 * counted, so row numbers match what the partner sees in a spreadsheet); C0
 * control characters other than tab, CR and LF are refused. It keeps
 * only the record in hand in memory, and a field is bounded, so an unclosed
 * quote cannot swallow the rest of a 100 MB file into memory.
 */

export const MAX_FIELD_CHARS = 10_000;

/** The file cannot be read as CSV at all; `row` is the spreadsheet row number (header = 1). */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  readonly row: number;
  constructor(row: number, message: string) {
    super(`row ${row}: ${message}`);
    this.row = row;
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

/** Index of the first line break outside quotes, or -1. */
function endOfFirstLine(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) return i;
  }
  return -1;
}

export class CsvParser {
  #separator: Separator | undefined;
  #pending = '';
  #field = '';
  #record: string[] = [];
  /** inside a quoted field; just saw a quote inside one (closing, or the first of `""`). */
  #quoted = false;
  #quoteSeen = false;
  #fieldStarted = false;
  #afterCr = false;
  #row = 1;
  #started = false;

  get separator(): Separator | undefined {
    return this.#separator;
  }

  /** Feeds decoded text; returns the records completed by it. */
  push(text: string): CsvRecord[] {
    if (this.#separator === undefined) {
      this.#pending += text;
      if (!this.#started) {
        if (this.#pending.charCodeAt(0) === 0xfeff) this.#pending = this.#pending.slice(1);
        if (this.#pending.length > 0) this.#started = true;
      }
      const end = endOfFirstLine(this.#pending);
      if (end < 0) {
        if (this.#pending.length > MAX_FIELD_CHARS * 10) throw new CsvSyntaxError(1, 'the header line never ends');
        return [];
      }
      this.#separator = detectSeparator(this.#pending.slice(0, end));
      text = this.#pending;
      this.#pending = '';
    }
    return this.#consume(text);
  }

  /** The end of the input: the last record without a final line break, or an error for an open quote. */
  end(): CsvRecord[] {
    if (this.#separator === undefined) {
      const rest = this.#pending;
      this.#pending = '';
      if (rest.length === 0) return [];
      this.#separator = detectSeparator(rest);
      const records = this.#consume(rest);
      return [...records, ...this.end()];
    }
    if (this.#quoted && !this.#quoteSeen) throw new CsvSyntaxError(this.#row, 'a quoted field is never closed');
    if (this.#fieldStarted || this.#record.length > 0) {
      this.#endField();
      const record = this.#endRecord();
      return record ? [record] : [];
    }
    return [];
  }

  #endField() {
    this.#record.push(this.#field);
    this.#field = '';
    this.#quoted = false;
    this.#quoteSeen = false;
    this.#fieldStarted = false;
  }

  #endRecord(): CsvRecord | null {
    const fields = this.#record;
    const row = this.#row;
    this.#record = [];
    this.#row += 1;
    // A blank line is one empty field: skipped.
    if (fields.length === 1 && fields[0] === '') return null;
    return { row, fields };
  }

  #consume(text: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    const separator = this.#separator;
    for (let i = 0; i < text.length; i += 1) {
      const char = text[i] as string;
      if (this.#afterCr) {
        this.#afterCr = false;
        if (char === '\n') continue;
      }
      if (this.#quoted) {
        if (this.#quoteSeen) {
          this.#quoteSeen = false;
          if (char === '"') {
            this.#append('"');
            continue;
          }
          // The quote closed the field: only a separator or a line end may follow.
          this.#quoted = false;
          if (char !== separator && char !== '\n' && char !== '\r') {
            throw new CsvSyntaxError(this.#row, `unexpected ${JSON.stringify(char)} after a closing quote`);
          }
        } else if (char === '"') {
          this.#quoteSeen = true;
          continue;
        } else {
          this.#append(char);
          continue;
        }
      }
      if (char === separator) {
        this.#endField();
      } else if (char === '\n' || char === '\r') {
        this.#afterCr = char === '\r';
        this.#endField();
        const record = this.#endRecord();
        if (record) records.push(record);
      } else if (char === '"' && !this.#fieldStarted) {
        this.#quoted = true;
        this.#fieldStarted = true;
      } else {
        // A quote inside an unquoted field is kept as it is (`5" monitor`), as spreadsheets read it.
        this.#append(char);
      }
    }
    return records;
  }

  #append(char: string) {
    // C0 control characters other than tab and line breaks (which a quoted field may hold) are no text a
    // spreadsheet writes: a NUL cannot even be stored. The whole file is refused, naming the row, not the value.
    const code = char.charCodeAt(0);
    if (code < 0x20 && char !== '\t' && char !== '\n' && char !== '\r') {
      const codePoint = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
      throw new CsvSyntaxError(this.#row, `a field holds the control character ${codePoint}`);
    }
    this.#fieldStarted = true;
    this.#field += char;
    if (this.#field.length > MAX_FIELD_CHARS) {
      throw new CsvSyntaxError(this.#row, `a field is longer than ${MAX_FIELD_CHARS} characters (an unclosed quote?)`);
    }
  }
}
