import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { DomainError } from '@vangnet/platform/problem';
import type { PrismaClient } from '../../db.ts';
import type { PostcodeRangeRow } from '../map-postcode/lookup.ts';
import { isHeader, isProblem, parsePostcodeLine, type RowProblem } from './parse.ts';

const BATCH = 5_000;
/** The import's advisory lock: (namespace, key), apart from the outbox relay's namespace 7361. */
export const POSTCODE_MAP_IMPORT_LOCK = [7410, 1] as const;
/** Enough to fix a file by; an import with more problems reports the first ones. */
const MAX_PROBLEMS = 100;

/**
 * Replaces the postcode map, or with `municipalityCode` only the rows of
 * that municipality's neighbourhoods, with the CSV read from `input`,
 * streamed: rows go to the database in batches as they are read, inside
 * one transaction that first removed the rows being replaced (one import
 * at a time, national or municipal, under one advisory lock). Readers keep
 * seeing the old map until the commit (MVCC); a malformed line, or in a
 * municipal import a line naming another municipality's neighbourhood,
 * rolls everything back, so a failed import changes nothing, and the
 * problem lists every bad line (up to 100) with its number. Two
 * municipalities importing their own maps therefore never wipe each other.
 */
export async function importPostcodeMap(
  prisma: PrismaClient,
  input: Readable,
  scope: { municipalityCode?: string } = {},
): Promise<{ rows: number }> {
  const neighbourhoods = await prisma.neighbourhood.findMany({ select: { code: true, municipalityCode: true } });
  const municipalityOf = new Map(neighbourhoods.map((row) => [row.code, row.municipalityCode]));
  const known = new Set(municipalityOf.keys());
  const { municipalityCode } = scope;
  return prisma.$transaction(
    async (tx) => {
      // One import at a time: a second one's DELETE does not see the rows the
      // first is still inserting, so both maps would be left in the table.
      // Readers (the router) take no lock and keep the old map meanwhile.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${POSTCODE_MAP_IMPORT_LOCK[0]}::int, ${POSTCODE_MAP_IMPORT_LOCK[1]}::int)`;
      if (municipalityCode) {
        await tx.$executeRaw`
          DELETE FROM postcode_range
           WHERE neighbourhood_code IN (SELECT code FROM neighbourhood WHERE municipality_code = ${municipalityCode})`;
      } else {
        await tx.$executeRaw`DELETE FROM postcode_range`;
      }
      const problems: RowProblem[] = [];
      let batch: PostcodeRangeRow[] = [];
      let rows = 0;
      let lineNumber = 0;
      const flush = async () => {
        if (batch.length === 0 || problems.length > 0) return;
        await tx.$executeRaw`
          INSERT INTO postcode_range (postcode, house_number_from, house_number_to, neighbourhood_code)
          SELECT * FROM unnest(${batch.map((row) => row.postcode)}::text[], ${batch.map((row) => row.houseNumberFrom)}::int[],
                               ${batch.map((row) => row.houseNumberTo)}::int[], ${batch.map((row) => row.neighbourhoodCode)}::text[])`;
        batch = [];
      };
      for await (const raw of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
        lineNumber += 1;
        const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
        if (line.trim() === '' || (lineNumber === 1 && isHeader(line))) continue;
        const parsed = parsePostcodeLine(line, lineNumber, known);
        const elsewhere =
          !isProblem(parsed) && municipalityCode && municipalityOf.get(parsed.neighbourhoodCode) !== municipalityCode;
        if (elsewhere) {
          if (problems.length < MAX_PROBLEMS) {
            problems.push({
              line: lineNumber,
              reason: `neighbourhood ${parsed.neighbourhoodCode} is in ${municipalityOf.get(parsed.neighbourhoodCode)}, not ${municipalityCode}`,
            });
          }
          continue;
        }
        if (isProblem(parsed)) {
          if (problems.length < MAX_PROBLEMS) problems.push(parsed);
          continue;
        }
        rows += 1;
        if (problems.length === 0) batch.push(parsed);
        if (batch.length >= BATCH) await flush();
      }
      if (rows === 0 && problems.length === 0) problems.push({ line: lineNumber, reason: 'the file has no rows' });
      const [first] = problems;
      if (first) {
        throw new DomainError(
          'POSTCODE_MAP_INVALID',
          `${problems.length}${problems.length === MAX_PROBLEMS ? ' or more' : ''} malformed lines; first at line ${first.line}: ${first.reason}`,
          problems.map((problem) => ({
            in: 'body',
            pointer: `/lines/${problem.line}`,
            code: 'invalid_line',
            detail: `line ${problem.line}: ${problem.reason}`,
          })),
        );
      }
      await flush();
      return { rows };
    },
    { timeout: 30 * 60_000, maxWait: 10_000 },
  );
}
