import { readFile } from 'node:fs/promises';
import prismaSchemaWasm from '@prisma/prisma-schema-wasm';
import pg from 'pg';

/**
 * Schema drift check: does the database built by our hand-written migrations
 * match what `schema.prisma` says? Prisma's own `migrate diff` needs the native
 * schema engine, which we do not have, so both sides are reduced to the same
 * small shape and compared here. Only what Prisma can express and what matters
 * to the generated client is compared; plain indexes, check constraints,
 * triggers and partial or expression indexes are deliberately left out.
 */

export interface ColumnShape {
  /** Normalised Postgres type: 'uuid', 'timestamptz(3)', 'varchar(100)', 'numeric(12,2)', 'text[]', or an enum's name. */
  type: string;
  nullable: boolean;
  /** Whether the database fills the column in when an insert leaves it out; the expression itself is not compared. */
  hasDefault: boolean;
}

export interface ForeignKeyShape {
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
}

export interface TableShape {
  columns: Record<string, ColumnShape>;
  /** In key order; empty when the table has no primary key. */
  primaryKey: string[];
  /** Column sets of unique constraints and unique indexes, the primary key not included; order does not matter. */
  uniques: string[][];
  foreignKeys: ForeignKeyShape[];
}

export interface SchemaShape {
  /** By database table name. */
  tables: Record<string, TableShape>;
  /** Postgres enum type name to its values, in declaration order. */
  enums: Record<string, string[]>;
}

export interface DriftOptions {
  schemaPath: string;
  connectionString: string;
  /** tables to ignore besides _prisma_migrations */
  ignoreTables?: string[];
}

/** The differences between `schema.prisma` and the database's `public` schema, one sentence each; [] when in sync. */
export async function schemaDrift(options: DriftOptions): Promise<string[]> {
  const schemaText = await readFile(options.schemaPath, 'utf8');
  let expected: SchemaShape;
  try {
    expected = expectedFromPrismaSchema(schemaText);
  } catch (error) {
    throw new Error(`${options.schemaPath}: ${(error as Error).message}`);
  }
  const actual = await actualFromDatabase(options.connectionString);
  const ignored = new Set(['_prisma_migrations', ...(options.ignoreTables ?? [])]);
  return compareShapes(withoutTables(expected, ignored), withoutTables(actual, ignored));
}

// ---------------------------------------------------------------------------
// The schema side
// ---------------------------------------------------------------------------

// The slice of Prisma's DMMF datamodel this check reads.
interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  isUnique: boolean;
  isId: boolean;
  hasDefaultValue: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
}

interface DmmfModel {
  name: string;
  dbName: string | null;
  schema?: string | null;
  fields: DmmfField[];
  primaryKey: { name: string | null; fields: string[] } | null;
  uniqueFields: string[][];
}

interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: { name: string; dbName: string | null }[];
}

interface DmmfDatamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
}

// Prisma's column type for each scalar when the field has no @db.* attribute.
const DEFAULT_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp(3)',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Json: 'jsonb',
  Bytes: 'bytea',
};

// Prisma's @db.* names for PostgreSQL, spelled as normaliseType spells the database's types.
const NATIVE_TYPES: Record<string, string> = {
  SmallInt: 'smallint',
  Integer: 'integer',
  BigInt: 'bigint',
  Decimal: 'numeric',
  Money: 'money',
  Inet: 'inet',
  Oid: 'oid',
  Citext: 'citext',
  Real: 'real',
  DoublePrecision: 'double precision',
  VarChar: 'varchar',
  Char: 'char',
  Text: 'text',
  ByteA: 'bytea',
  Timestamp: 'timestamp',
  Timestamptz: 'timestamptz',
  Date: 'date',
  Time: 'time',
  Timetz: 'timetz',
  Boolean: 'boolean',
  Bit: 'bit',
  VarBit: 'varbit',
  Uuid: 'uuid',
  Xml: 'xml',
  Json: 'json',
  JsonB: 'jsonb',
};

// These @default functions run in the Prisma client, so the column gets no DEFAULT in the database.
const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

/** The shape Prisma Migrate would give the database for this schema (PostgreSQL, schema `public`). */
export function expectedFromPrismaSchema(schemaText: string): SchemaShape {
  const datamodel = readDatamodel(schemaText);
  const enumTypeNames = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const modelsByName = new Map(datamodel.models.map((model) => [model.name, model]));
  // With relationMode = "prisma" the client emulates relations and Migrate creates no foreign keys.
  // get_config does not report the setting, so it is read from the text.
  const foreignKeysInDatabase = !/^\s*relationMode\s*=\s*"prisma"/m.test(schemaText);

  const shape: SchemaShape = { tables: {}, enums: {} };
  for (const e of datamodel.enums) {
    shape.enums[e.dbName ?? e.name] = e.values.map((value) => value.dbName ?? value.name);
  }

  for (const model of datamodel.models) {
    if (model.schema && model.schema !== 'public') {
      throw new Error(`model ${model.name} lives in schema "${model.schema}"; the drift check only reads "public"`);
    }
    const column = columnNamer(model);
    const table: TableShape = { columns: {}, primaryKey: [], uniques: [], foreignKeys: [] };
    for (const field of model.fields) {
      if (field.kind === 'object') {
        if (foreignKeysInDatabase && field.relationFromFields?.length) {
          const target = requireModel(modelsByName, field.type);
          table.foreignKeys.push({
            columns: field.relationFromFields.map(column),
            referencedTable: tableName(target),
            referencedColumns: (field.relationToFields ?? []).map(columnNamer(target)),
          });
        }
        continue;
      }
      table.columns[column(field.name)] = {
        type: fieldType(field, enumTypeNames),
        // Prisma cannot make a list optional, and Migrate leaves list columns nullable.
        nullable: field.isList || !field.isRequired,
        hasDefault: hasDatabaseDefault(field),
      };
      if (field.isId) table.primaryKey = [column(field.name)];
      if (field.isUnique) table.uniques.push([column(field.name)]);
    }
    if (model.primaryKey) table.primaryKey = model.primaryKey.fields.map(column);
    for (const fields of model.uniqueFields) table.uniques.push(fields.map(column));
    shape.tables[tableName(model)] = table;
  }

  addImplicitManyToManyTables(shape, datamodel, modelsByName, enumTypeNames, foreignKeysInDatabase);
  return shape;
}

function readDatamodel(schemaText: string): DmmfDatamodel {
  let dmmf: string;
  try {
    dmmf = prismaSchemaWasm.get_dmmf(JSON.stringify({ prismaSchema: schemaText }));
  } catch (error) {
    throw new Error(`invalid Prisma schema:\n${prismaErrorText(error)}`);
  }
  return (JSON.parse(dmmf) as { datamodel: DmmfDatamodel }).datamodel;
}

// The wasm throws a JSON document whose message is coloured for a terminal.
function prismaErrorText(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  let message = raw;
  try {
    message = (JSON.parse(raw) as { message?: string }).message ?? raw;
  } catch {
    // Not JSON: keep it as it came.
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes is the point
  return message.replace(/\u001b\[[0-9;]*m/g, '');
}

function requireModel(modelsByName: Map<string, DmmfModel>, name: string): DmmfModel {
  const model = modelsByName.get(name);
  if (!model) throw new Error(`relation to unknown model ${name}`);
  return model;
}

function tableName(model: DmmfModel): string {
  return model.dbName ?? model.name;
}

function columnNamer(model: DmmfModel): (fieldName: string) => string {
  const byName = new Map(model.fields.map((field) => [field.name, field.dbName ?? field.name]));
  return (fieldName) => byName.get(fieldName) ?? fieldName;
}

function fieldType(field: DmmfField, enumTypeNames: Map<string, string>): string {
  let base: string | undefined;
  if (field.kind === 'enum') base = enumTypeNames.get(field.type);
  else if (field.nativeType) base = nativeType(field.nativeType);
  else base = DEFAULT_TYPES[field.type];
  if (!base) throw new Error(`field ${field.name}: no PostgreSQL type known for ${field.type}`);
  return normaliseType(field.isList ? `${base}[]` : base);
}

function nativeType([name, args]: [string, string[]]): string {
  const base = NATIVE_TYPES[name];
  if (!base) throw new Error(`unknown native type @db.${name}`);
  return args.length ? `${base}(${args.join(',')})` : base;
}

function hasDatabaseDefault(field: DmmfField): boolean {
  if (!field.hasDefaultValue) return false;
  const value = field.default;
  // Functions come as { name, args }; literals, enum values and list literals are plain JSON values.
  if (value && typeof value === 'object' && !Array.isArray(value) && 'name' in value) {
    return !CLIENT_SIDE_DEFAULTS.has(String(value.name));
  }
  return true;
}

/**
 * A many-to-many relation without an explicit join model gets a table Prisma
 * names `_<relation>`, with columns A and B pointing at the single-column ids
 * of the two models (A being the model whose name sorts first). Since Prisma 6
 * the pair is the primary key on PostgreSQL.
 */
function addImplicitManyToManyTables(
  shape: SchemaShape,
  datamodel: DmmfDatamodel,
  modelsByName: Map<string, DmmfModel>,
  enumTypeNames: Map<string, string>,
  foreignKeysInDatabase: boolean,
): void {
  const sides = new Map<string, DmmfModel[]>();
  for (const model of datamodel.models) {
    for (const field of model.fields) {
      if (field.kind !== 'object' || !field.isList || !field.relationName) continue;
      // A one-to-many's list side has no scalar fields, but its other side has: that is not a join table.
      const target = requireModel(modelsByName, field.type);
      const back = target.fields.filter((other) => other.relationName === field.relationName && other !== field);
      if (back.length === 0 || !back.every((other) => other.isList)) continue;
      sides.set(field.relationName, [...(sides.get(field.relationName) ?? []), model]);
    }
  }
  for (const [relationName, models] of sides) {
    const [a, b] = models.map((model) => model.name).sort();
    if (!a || !b) continue;
    const table: TableShape = { columns: {}, primaryKey: ['A', 'B'], uniques: [], foreignKeys: [] };
    for (const [columnName, modelName] of [
      ['A', a],
      ['B', b],
    ] as const) {
      const model = requireModel(modelsByName, modelName);
      const id = model.fields.find((field) => field.isId);
      if (!id) throw new Error(`implicit many-to-many ${relationName}: model ${modelName} needs a single-field @id`);
      table.columns[columnName] = { type: fieldType(id, enumTypeNames), nullable: false, hasDefault: false };
      if (foreignKeysInDatabase) {
        table.foreignKeys.push({
          columns: [columnName],
          referencedTable: tableName(model),
          referencedColumns: [id.dbName ?? id.name],
        });
      }
    }
    shape.tables[`_${relationName}`] = table;
  }
}

// ---------------------------------------------------------------------------
// The database side
// ---------------------------------------------------------------------------

// Ordinary and partitioned tables; partitions follow their parent.
const TABLE_FILTER = `n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`;

// Column names of an attnum array, kept in the array's order.
const columnNames = (attnums: string, relid: string, where = 'true') => `
  array(SELECT a.attname::text FROM unnest(${attnums}) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = ${relid} AND a.attnum = k.attnum
        WHERE ${where} ORDER BY k.ord)`;

/** The shape of the database's `public` schema, read from the catalog. */
export async function actualFromDatabase(connectionString: string): Promise<SchemaShape> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    // pg_catalog rather than information_schema: the latter hides objects the user does not own and
    // does not expose unique indexes that were created without a constraint (as Prisma creates them).
    const tables = await client.query<{ table: string }>(
      `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${TABLE_FILTER}`,
    );
    const columns = await client.query<{
      table: string;
      column: string;
      type: string;
      not_null: boolean;
      has_default: boolean;
    }>(
      `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
              a.attnotnull AS not_null,
              -- identity and generated columns are filled in by the database as much as a DEFAULT is
              (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS has_default
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       WHERE ${TABLE_FILTER}
       ORDER BY c.relname, a.attnum`,
    );
    const constraints = await client.query<{
      table: string;
      kind: 'p' | 'f';
      columns: string[];
      referenced_schema: string | null;
      referenced_table: string | null;
      referenced_columns: string[];
    }>(
      `SELECT c.relname AS table, con.contype AS kind,
              ${columnNames('con.conkey', 'con.conrelid')} AS columns,
              fn.nspname AS referenced_schema, fc.relname AS referenced_table,
              ${columnNames('con.confkey', 'con.confrelid')} AS referenced_columns
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class fc ON fc.oid = con.confrelid
       LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
       WHERE ${TABLE_FILTER} AND con.contype IN ('p', 'f')`,
    );
    // Unique constraints and bare unique indexes alike; partial and expression indexes cannot come
    // from a Prisma schema, and INCLUDE columns do not take part in uniqueness.
    const uniques = await client.query<{ table: string; columns: string[] }>(
      `SELECT c.relname AS table, ${columnNames('i.indkey::int2[]', 'i.indrelid', 'k.ord <= i.indnkeyatts')} AS columns
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE ${TABLE_FILTER} AND i.indisunique AND NOT i.indisprimary
         AND i.indpred IS NULL AND i.indexprs IS NULL`,
    );
    const enums = await client.query<{ name: string; values: string[] }>(
      `SELECT t.typname AS name,
              array(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS values
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' AND t.typtype = 'e'`,
    );

    const shape: SchemaShape = { tables: {}, enums: {} };
    for (const { table } of tables.rows) {
      shape.tables[table] = { columns: {}, primaryKey: [], uniques: [], foreignKeys: [] };
    }
    const tableOf = (name: string) => shape.tables[name] as TableShape;
    for (const row of columns.rows) {
      tableOf(row.table).columns[row.column] = {
        type: normaliseType(row.type),
        nullable: !row.not_null,
        hasDefault: row.has_default,
      };
    }
    for (const row of constraints.rows) {
      if (row.kind === 'p') {
        tableOf(row.table).primaryKey = row.columns;
      } else {
        const schema = row.referenced_schema === 'public' ? '' : `${row.referenced_schema}.`;
        tableOf(row.table).foreignKeys.push({
          columns: row.columns,
          referencedTable: `${schema}${row.referenced_table}`,
          referencedColumns: row.referenced_columns,
        });
      }
    }
    for (const row of uniques.rows) tableOf(row.table).uniques.push(row.columns);
    for (const row of enums.rows) shape.enums[row.name] = row.values;
    return shape;
  } finally {
    await client.end();
  }
}

/**
 * One spelling per Postgres type, so the schema side can be written the short
 * way ('timestamptz(3)', 'varchar(100)') and format_type's long output
 * ('timestamp(3) with time zone', 'character varying(100)') compares equal.
 */
export function normaliseType(type: string): string {
  const arrayMatch = /((?:\[\])*)$/.exec(type.trim());
  const arraySuffix = arrayMatch?.[1] ?? '';
  // format_type quotes mixed-case enum names and qualifies types outside the search path.
  let base = type
    .trim()
    .slice(0, type.trim().length - arraySuffix.length)
    .replaceAll('"', '')
    .replace(/^public\./, '');
  base = base
    .replace(/^(timestamp|time)(\(\d+\))? with time zone$/, (_, name: string, p = '') => `${name}tz${p}`)
    .replace(/^(timestamp|time)(\(\d+\))? without time zone$/, (_, name: string, p = '') => `${name}${p}`)
    .replace(/^character varying/, 'varchar')
    .replace(/^character(?=\(|$)/, 'char')
    .replace(/^bit varying/, 'varbit')
    .replace(/\s*,\s*/g, ',');
  // 6 is Postgres's default precision for times: TIMESTAMPTZ and TIMESTAMPTZ(6) are one type.
  base = base.replace(/^(timestamptz|timestamp|timetz|time)\(6\)$/, '$1');
  // Without a length CHAR and BIT mean one character or bit.
  if (base === 'char' || base === 'bit') base = `${base}(1)`;
  return base + arraySuffix;
}

// ---------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------

/** Every way `actual` differs from `expected`, in a stable order; [] when they agree. */
export function compareShapes(expected: SchemaShape, actual: SchemaShape): string[] {
  const differences: string[] = [];

  for (const name of unionOfKeys(expected.enums, actual.enums)) {
    const want = own(expected.enums, name);
    const have = own(actual.enums, name);
    if (!have) differences.push(`enum "${name}" is in the schema but missing from the database`);
    else if (!want) differences.push(`enum "${name}" is in the database but not in the schema`);
    else if (want.join('\u0000') !== have.join('\u0000')) {
      differences.push(`enum "${name}" has values ${list(want)} in the schema but ${list(have)} in the database`);
    }
  }

  for (const name of unionOfKeys(expected.tables, actual.tables)) {
    const want = own(expected.tables, name);
    const have = own(actual.tables, name);
    if (!have) differences.push(`table "${name}" is in the schema but missing from the database`);
    else if (!want) differences.push(`table "${name}" is in the database but not in the schema`);
    else differences.push(...compareTables(want, have).map((difference) => `table "${name}": ${difference}`));
  }
  return differences;
}

function compareTables(expected: TableShape, actual: TableShape): string[] {
  const differences: string[] = [];

  for (const name of unionOfKeys(expected.columns, actual.columns)) {
    const want = own(expected.columns, name);
    const have = own(actual.columns, name);
    if (!have) {
      differences.push(`column "${name}" is in the schema but missing from the database`);
      continue;
    }
    if (!want) {
      differences.push(`column "${name}" is in the database but not in the schema`);
      continue;
    }
    const wantType = normaliseType(want.type);
    const haveType = normaliseType(have.type);
    if (wantType !== haveType) {
      differences.push(`column "${name}" is ${wantType} in the schema but ${haveType} in the database`);
    }
    if (want.nullable !== have.nullable) {
      differences.push(
        `column "${name}" is ${nullability(want)} in the schema but ${nullability(have)} in the database`,
      );
    }
    if (want.hasDefault !== have.hasDefault) {
      differences.push(
        want.hasDefault
          ? `column "${name}" has a database default in the schema but none in the database`
          : `column "${name}" has no database default in the schema but has one in the database` +
              ' (uuid(), cuid() and @updatedAt are filled in by the Prisma client, not the database)',
      );
    }
  }

  // Key order matters for a primary key: it is the order of its index.
  if (expected.primaryKey.join('\u0000') !== actual.primaryKey.join('\u0000')) {
    differences.push(
      `primary key is ${keyText(expected.primaryKey)} in the schema but ${keyText(actual.primaryKey)} in the database`,
    );
  }

  // Uniqueness holds for a set of columns whatever the order in its index.
  differences.push(
    ...compareSets(
      expected.uniques.map((columns) => list([...columns].sort())),
      actual.uniques.map((columns) => list([...columns].sort())),
      'unique constraint on',
    ),
  );
  differences.push(
    ...compareSets(expected.foreignKeys.map(foreignKeyText), actual.foreignKeys.map(foreignKeyText), 'foreign key'),
  );
  return differences;
}

function compareSets(expected: string[], actual: string[], what: string): string[] {
  const want = new Set(expected);
  const have = new Set(actual);
  const missing = [...want].filter((item) => !have.has(item)).sort();
  const extra = [...have].filter((item) => !want.has(item)).sort();
  return [
    ...missing.map((item) => `${what} ${item} is in the schema but missing from the database`),
    ...extra.map((item) => `${what} ${item} is in the database but not in the schema`),
  ];
}

// Column pairs sorted by the local column, so (a, b) → t(x, y) and (b, a) → t(y, x) read the same.
function foreignKeyText(foreignKey: ForeignKeyShape): string {
  const pairs = foreignKey.columns
    .map((column, index) => [column, foreignKey.referencedColumns[index] ?? '?'] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return `${list(pairs.map(([column]) => column))} references ${foreignKey.referencedTable}${list(pairs.map(([, referenced]) => referenced))}`;
}

function nullability(column: ColumnShape): string {
  return column.nullable ? 'nullable' : 'NOT NULL';
}

function keyText(columns: string[]): string {
  return columns.length ? list(columns) : 'none';
}

function list(items: readonly string[]): string {
  return `(${items.join(', ')})`;
}

// Own keys only: a table called "constructor" must not find Object.prototype's.
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function unionOfKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

function withoutTables(shape: SchemaShape, ignored: Set<string>): SchemaShape {
  return { ...shape, tables: Object.fromEntries(Object.entries(shape.tables).filter(([name]) => !ignored.has(name))) };
}
