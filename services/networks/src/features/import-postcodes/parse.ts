import { CsvSyntaxError, splitCsvLine } from '@vangnet/platform/csv';
import type { PostcodeRangeRow } from '../map-postcode/lookup.ts';

/** A line of the CSV that cannot be imported, by its 1-based line number. */
export interface RowProblem {
  line: number;
  reason: string;
}

const POSTCODE = /^[1-9]\d{3}([A-Z]{2})?$/;
const NEIGHBOURHOOD = /^BU\d{8}$/;
const NUMBER = /^\d{1,5}$/;

/** Whether a line is the optional header (`postcode;house number from;to;neighbourhood code`). */
export const isHeader = (line: string) => /^\s*postcode\s*;/i.test(line);

/**
 * One line of the postcode map CSV: `postcode;from;to;neighbourhood code`,
 * postcode as PC6 (`9901AB`, a space allowed) or PC4 (`9901`). Pure: the
 * caller says which neighbourhoods exist, so an unknown code is reported
 * with its line instead of failing the whole import on a foreign key.
 */
export function parsePostcodeLine(
  line: string,
  lineNumber: number,
  knownNeighbourhoods: ReadonlySet<string>,
): PostcodeRangeRow | RowProblem {
  let fields: string[];
  try {
    // The CSV rules of every import (quotes, control characters) live in one place.
    fields = splitCsvLine(line, ';', lineNumber).map((field) => field.trim());
  } catch (error) {
    if (error instanceof CsvSyntaxError) return { line: lineNumber, reason: error.reason };
    throw error;
  }
  if (fields.length !== 4) {
    return { line: lineNumber, reason: `expected 4 fields separated by ';', found ${fields.length}` };
  }
  const [rawPostcode = '', from = '', to = '', neighbourhoodCode = ''] = fields;
  const postcode = rawPostcode.replace(/\s+/g, '').toUpperCase();
  if (!POSTCODE.test(postcode)) return { line: lineNumber, reason: `'${rawPostcode}' is not a PC6 or PC4 postcode` };
  if (!NUMBER.test(from) || Number(from) < 1) {
    return { line: lineNumber, reason: `house number from '${from}' is not a number from 1 to 99999` };
  }
  if (!NUMBER.test(to) || Number(to) < 1) {
    return { line: lineNumber, reason: `house number to '${to}' is not a number from 1 to 99999` };
  }
  if (Number(from) > Number(to)) return { line: lineNumber, reason: `house number from ${from} is above to ${to}` };
  if (!NEIGHBOURHOOD.test(neighbourhoodCode)) {
    return { line: lineNumber, reason: `'${neighbourhoodCode}' is not a neighbourhood code (BU + 8 digits)` };
  }
  if (!knownNeighbourhoods.has(neighbourhoodCode)) {
    return { line: lineNumber, reason: `neighbourhood ${neighbourhoodCode} does not exist` };
  }
  return { postcode, houseNumberFrom: Number(from), houseNumberTo: Number(to), neighbourhoodCode };
}

export const isProblem = (parsed: PostcodeRangeRow | RowProblem): parsed is RowProblem => 'reason' in parsed;
