import { describe, expect, it } from 'vitest';
import { CsvParser, CsvSyntaxError, detectSeparator, MAX_FIELD_CHARS } from './csv.ts';

/** Feeds the text in pieces of `size` characters, as a network stream would. */
function parse(text: string, size = 3) {
  const parser = new CsvParser();
  const records = [];
  for (let i = 0; i < text.length; i += size) records.push(...parser.push(text.slice(i, i + size)));
  records.push(...parser.end());
  return { records, separator: parser.separator };
}

describe('CSV reader', () => {
  it('when the header has more semicolons than commas, then ; separates, and commas stay inside fields', () => {
    const { records, separator } = parse('type;amount\r\nrent;612,50\r\n');
    expect(separator).toBe(';');
    expect(records).toEqual([
      { row: 1, fields: ['type', 'amount'] },
      { row: 2, fields: ['rent', '612,50'] },
    ]);
  });

  it('when the header uses commas, then , separates; quoted fields keep separators, quotes and line breaks', () => {
    const { records } = parse('a,b,c\n"x, y","say ""hi""","two\nlines"\nlast,,\n', 2);
    expect(records).toEqual([
      { row: 1, fields: ['a', 'b', 'c'] },
      { row: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { row: 3, fields: ['last', '', ''] },
    ]);
  });

  it('when lines are blank, then they are skipped but counted, so row numbers match a spreadsheet', () => {
    expect(parse('a;b\n\n1;2\r\n\r\n3;4').records).toEqual([
      { row: 1, fields: ['a', 'b'] },
      { row: 3, fields: ['1', '2'] },
      { row: 5, fields: ['3', '4'] },
    ]);
  });

  it('when the file starts with a byte order mark, then it is not part of the first column name', () => {
    expect(parse('\uFEFFtype;reference\nrent;1').records[0]?.fields).toEqual(['type', 'reference']);
  });

  it('when a quoted field is never closed, then the row where it started is named', () => {
    expect(() => parse('a;b\n1;2\n3;"open\n4;5\n')).toThrow(new CsvSyntaxError(3, 'a quoted field is never closed'));
  });

  it('when text follows a closing quote, then the file is malformed at that row', () => {
    expect(() => parse('a;b\n"x"y;2\n')).toThrow(CsvSyntaxError);
  });

  it('when a field grows past the limit, then reading stops instead of buffering the file', () => {
    expect(() => parse(`a\n"${'x'.repeat(MAX_FIELD_CHARS + 1)}`, 1000)).toThrow(/longer than/);
  });

  it('when a quote sits inside an unquoted field, then it is kept as written', () => {
    expect(parse('a\n5" monitor\n').records[1]?.fields).toEqual(['5" monitor']);
  });

  it('detects the separator only outside quotes; a tie is ;', () => {
    expect(detectSeparator('"a;b",c,d')).toBe(',');
    expect(detectSeparator('a')).toBe(';');
  });

  it('when a field holds a NUL or another C0 control character, then the file is refused naming the row, never the value', () => {
    expect(() => parse('a;b\nx;y\nAnna\u0000;z\n')).toThrow(CsvSyntaxError);
    try {
      parse('a;b\nx;y\n"Anna\u001b[31m";z\n');
    } catch (error) {
      expect(error).toMatchObject({ row: 3, message: 'row 3: a field holds the control character U+001B' });
    }
    expect.assertions(2);
  });

  it('when a field holds a tab, or a quoted field a line break, then that is text', () => {
    expect(parse('a;b\nx\ty;"two\r\nlines"\n').records[1]).toEqual({ row: 2, fields: ['x\ty', 'two\r\nlines'] });
  });
});
