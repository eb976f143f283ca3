import { describe, expect, it } from 'vitest';
import { CsvReader, type CsvRecord, CsvSyntaxError, detectSeparator, MAX_ROW_CHARS, splitCsvLine } from './csv.ts';

/** Feeds the text in pieces of `size` characters, as a network stream would. */
async function parse(text: string, size = 3) {
  async function* pieces() {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  }
  const reader = new CsvReader();
  const records: CsvRecord[] = [];
  for await (const record of reader.records(pieces())) records.push(record);
  return { records, separator: reader.separator };
}

const failure = async (text: string, size?: number) => {
  try {
    await parse(text, size);
  } catch (error) {
    return error;
  }
  throw new Error('the text was read without an error');
};

describe('CSV reader', () => {
  it('when the header has more semicolons than commas, then ; separates, and commas stay inside fields', async () => {
    const { records, separator } = await parse('type;amount\r\nrent;612,50\r\n');
    expect(separator).toBe(';');
    expect(records).toEqual([
      { row: 1, fields: ['type', 'amount'] },
      { row: 2, fields: ['rent', '612,50'] },
    ]);
  });

  it('when the header uses commas, then , separates; quoted fields keep separators, quotes and line breaks', async () => {
    const { records } = await parse('a,b,c\n"x, y","say ""hi""","two\nlines"\nlast,,\n', 2);
    expect(records).toEqual([
      { row: 1, fields: ['a', 'b', 'c'] },
      { row: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { row: 3, fields: ['last', '', ''] },
    ]);
  });

  it('when lines are blank, then they are skipped but counted, so row numbers match a spreadsheet', async () => {
    expect((await parse('a;b\n\n1;2\r\n\r\n3;4')).records).toEqual([
      { row: 1, fields: ['a', 'b'] },
      { row: 3, fields: ['1', '2'] },
      { row: 5, fields: ['3', '4'] },
    ]);
  });

  it('when a quoted field spans lines, then the rows after it are still numbered as a spreadsheet shows them', async () => {
    expect((await parse('a;b\n"two\nlines";x\n\nz;w\n')).records.map((record) => record.row)).toEqual([1, 2, 4]);
  });

  it('when the file starts with a byte order mark, then it is not part of the first column name', async () => {
    expect((await parse('\uFEFFtype;reference\nrent;1')).records[0]?.fields).toEqual(['type', 'reference']);
  });

  it('when a quoted field is never closed, then the row where it started is named', async () => {
    expect(await failure('a;b\n1;2\n3;"open\n4;5\n')).toEqual(new CsvSyntaxError(3, 'a quoted field is never closed'));
  });

  it('when a row grows past the limit, then reading stops instead of buffering the file', async () => {
    const error = await failure(`a\n"${'x'.repeat(2 * MAX_ROW_CHARS)}`, 1000);
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect(error).toMatchObject({ row: 2, message: expect.stringMatching(/longer than/) });
  });

  it('when the header line never ends, then reading stops', async () => {
    expect(await failure(`"${'x'.repeat(MAX_ROW_CHARS + 1)}`, 1000)).toEqual(
      new CsvSyntaxError(1, 'the header line never ends'),
    );
  });

  it('when text follows a closing quote, then the input is refused at the row where the quote opened', async () => {
    expect(await failure('a;b\n"x"y;2\n')).toEqual(
      new CsvSyntaxError(2, 'text follows a closing quote (a quote left open?)'),
    );
    // A quote left open swallows the line break; the next quoted field closes it, and text follows.
    expect(await failure('a;b\n1;"open\n3;"x; y";z\n')).toMatchObject({ row: 2 });
  });

  it('when a quote sits inside an unquoted field, then the row is refused without quoting the value', async () => {
    const error = await failure('a\n5" monitor\n');
    expect(error).toEqual(
      new CsvSyntaxError(2, 'a quote inside an unquoted field; quote the whole field and double the quote'),
    );
    expect(String(error)).not.toContain('monitor');
  });

  it('detects the separator only outside quotes; a tie is ;', () => {
    expect(detectSeparator('"a;b",c,d')).toBe(',');
    expect(detectSeparator('a')).toBe(';');
  });

  it('when a field holds a NUL or another C0 control character, then the file is refused naming the row, never the value', async () => {
    expect(await failure('a;b\nx;y\nAnna\u0000;z\n')).toBeInstanceOf(CsvSyntaxError);
    const error = await failure('a;b\nx;y\n"Anna\u001b[31m";z\n');
    expect(error).toMatchObject({ row: 3, message: 'row 3: a field holds the control character U+001B' });
    expect(String(error)).not.toContain('Anna');
  });

  it('when a field holds a tab, or a quoted field a line break, then that is text', async () => {
    expect((await parse('a;b\nx\ty;"two\r\nlines"\n')).records[1]).toEqual({
      row: 2,
      fields: ['x\ty', 'two\r\nlines'],
    });
  });

  it('when the source fails, then its own error comes out of the loop', async () => {
    async function* failing() {
      yield 'a;b\n1;2\n';
      throw new RangeError('too large');
    }
    const reading = (async () => {
      for await (const _ of new CsvReader().records(failing()));
    })();
    await expect(reading).rejects.toThrow(RangeError);
  });
});

describe('one line of CSV', () => {
  it('splits by the separator and reads quotes as the reader does', () => {
    expect(splitCsvLine('9901AB;1;"12";BU00140000', ';', 1)).toEqual(['9901AB', '1', '12', 'BU00140000']);
  });

  it('when a field holds a control character, then the line is refused by its number', () => {
    expect(() => splitCsvLine('9901AB;1\u0000;2;BU00140000', ';', 7)).toThrow(
      new CsvSyntaxError(7, 'a field holds the control character U+0000'),
    );
  });
});
