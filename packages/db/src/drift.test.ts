import { describe, expect, it } from 'vitest';
import { compareShapes, expectedFromPrismaSchema, normaliseType, type SchemaShape, type TableShape } from './drift.ts';

// As in the services: Prisma 7 keeps the URL out of the schema.
const header = `
datasource db {
  provider = "postgresql"
}

generator client {
  provider = "prisma-client"
  output   = "../src/generated/prisma"
}
`;

const schema = (models: string) => expectedFromPrismaSchema(`${header}\n${models}`);

const teamModels = `
enum TeamKind {
  WIJKTEAM
  JEUGD    @map("jeugd")

  @@map("team_kind")
}

model Team {
  id        String         @id @db.Uuid
  name      String         @db.VarChar(100)
  kind      TeamKind       @default(WIJKTEAM)
  createdAt DateTime       @default(now()) @map("created_at") @db.Timestamptz(3)
  coverage  TeamCoverage[]

  @@map("team")
}

model TeamCoverage {
  postcodePrefix String @id @map("postcode_prefix")
  teamId         String @map("team_id") @db.Uuid
  team           Team   @relation(fields: [teamId], references: [id])

  @@map("team_coverage")
}
`;

// What the hand-written migration for teamModels creates, as actualFromDatabase reports it.
const teamDatabase = (): SchemaShape => ({
  enums: { team_kind: ['WIJKTEAM', 'jeugd'] },
  tables: {
    team: {
      columns: {
        id: { type: 'uuid', nullable: false, hasDefault: false },
        name: { type: 'varchar(100)', nullable: false, hasDefault: false },
        kind: { type: 'team_kind', nullable: false, hasDefault: true },
        created_at: { type: 'timestamptz(3)', nullable: false, hasDefault: true },
      },
      primaryKey: ['id'],
      uniques: [],
      foreignKeys: [],
    },
    team_coverage: {
      columns: {
        postcode_prefix: { type: 'text', nullable: false, hasDefault: false },
        team_id: { type: 'uuid', nullable: false, hasDefault: false },
      },
      primaryKey: ['postcode_prefix'],
      uniques: [],
      foreignKeys: [{ columns: ['team_id'], referencedTable: 'team', referencedColumns: ['id'] }],
    },
  },
});

const table = (shape: SchemaShape, name: string): TableShape => {
  const found = shape.tables[name];
  if (!found) throw new Error(`no table ${name} in the shape`);
  return found;
};

describe('reading the expected shape from a Prisma schema', () => {
  it('names tables, columns and enums as @@map and @map say, and reads relations as foreign keys', () => {
    expect(schema(teamModels)).toEqual(teamDatabase());
  });

  it('accepts a Prisma 7 schema whose datasource has no url', () => {
    expect(() => schema('model A {\n  id Int @id\n}')).not.toThrow();
  });

  it('uses Prisma’s default PostgreSQL type for each scalar without @db', () => {
    const { columns } = table(
      schema(`
model Everything {
  s  String   @id
  i  Int
  bi BigInt
  b  Boolean
  dt DateTime
  f  Float
  d  Decimal
  j  Json
  by Bytes
}`),
      'Everything',
    );
    expect(Object.fromEntries(Object.entries(columns).map(([name, column]) => [name, column.type]))).toEqual({
      s: 'text',
      i: 'integer',
      bi: 'bigint',
      b: 'boolean',
      dt: 'timestamp(3)',
      f: 'double precision',
      d: 'numeric(65,30)',
      j: 'jsonb',
      by: 'bytea',
    });
  });

  it('spells @db native types the way the database reports them', () => {
    const { columns } = table(
      schema(`
model Native {
  id      String   @id @db.Uuid
  amount  Decimal  @db.Decimal(12, 2)
  code    String   @db.Char(6)
  day     DateTime @db.Date
  at      DateTime @db.Timestamp(3)
  small   Int      @db.SmallInt
  doc     Json     @db.Json
}`),
      'Native',
    );
    expect(Object.fromEntries(Object.entries(columns).map(([name, column]) => [name, column.type]))).toEqual({
      id: 'uuid',
      amount: 'numeric(12,2)',
      code: 'char(6)',
      day: 'date',
      at: 'timestamp(3)',
      small: 'smallint',
      doc: 'json',
    });
  });

  it('makes list fields arrays, nullable as Prisma Migrate creates them', () => {
    const { columns } = table(
      schema(`
enum Tag {
  A
}

model Listed {
  id   Int      @id
  tags String[]
  enumTags Tag[]
}`),
      'Listed',
    );
    expect(columns.tags).toEqual({ type: 'text[]', nullable: true, hasDefault: false });
    expect(columns.enumTags).toEqual({ type: 'Tag[]', nullable: true, hasDefault: false });
  });

  it('expects a database default for now(), autoincrement(), dbgenerated() and literals, but not for uuid(), cuid() or @updatedAt', () => {
    const { columns } = table(
      schema(`
model Defaults {
  position  Int      @id @default(autoincrement())
  createdAt DateTime @default(now())
  token     String   @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  active    Boolean  @default(true)
  uuid      String   @default(uuid())
  uuid7     String   @default(uuid(7))
  cuid      String   @default(cuid())
  updatedAt DateTime @updatedAt
  plain     String
}`),
      'Defaults',
    );
    const withDefault = Object.entries(columns)
      .filter(([, column]) => column.hasDefault)
      .map(([name]) => name);
    expect(withDefault).toEqual(['position', 'createdAt', 'token', 'active']);
  });

  it('takes the primary key from @@id in field order, and uniques from @unique and @@unique', () => {
    const shape = schema(`
model Inbox {
  consumerGroup String @map("consumer_group")
  eventId       String @map("event_id")
  receipt       String @unique

  @@id([consumerGroup, eventId])
  @@unique([eventId, receipt])
  @@index([receipt])
  @@map("inbox")
}`);
    expect(table(shape, 'inbox').primaryKey).toEqual(['consumer_group', 'event_id']);
    expect(table(shape, 'inbox').uniques).toEqual([['receipt'], ['event_id', 'receipt']]);
  });

  it('maps a composite relation’s columns on both sides', () => {
    const shape = schema(`
model Parent {
  a     Int     @map("a_col")
  b     Int
  kids  Child[]

  @@id([a, b])
  @@map("parent")
}

model Child {
  id      Int    @id
  parentA Int    @map("parent_a")
  parentB Int    @map("parent_b")
  parent  Parent @relation(fields: [parentA, parentB], references: [a, b])
}`);
    expect(table(shape, 'Child').foreignKeys).toEqual([
      { columns: ['parent_a', 'parent_b'], referencedTable: 'parent', referencedColumns: ['a_col', 'b'] },
    ]);
  });

  it('expects the join table Prisma creates for an implicit many-to-many relation', () => {
    const shape = schema(`
model Post {
  id   Int   @id
  tags Tag[]
}

model Tag {
  name  String @id
  posts Post[]
}`);
    expect(shape.tables._PostToTag).toEqual({
      columns: {
        A: { type: 'integer', nullable: false, hasDefault: false },
        B: { type: 'text', nullable: false, hasDefault: false },
      },
      primaryKey: ['A', 'B'],
      uniques: [],
      foreignKeys: [
        { columns: ['A'], referencedTable: 'Post', referencedColumns: ['id'] },
        { columns: ['B'], referencedTable: 'Tag', referencedColumns: ['name'] },
      ],
    });
  });

  it('expects no foreign keys when relationMode is "prisma"', () => {
    const shape = expectedFromPrismaSchema(
      `datasource db {\n  provider     = "postgresql"\n  relationMode = "prisma"\n}\n${teamModels}`,
    );
    expect(table(shape, 'team_coverage').foreignKeys).toEqual([]);
  });

  it('rejects an invalid schema with Prisma’s message, without terminal colours', () => {
    expect(() => schema('model Broken {\n  id Nope @id\n}')).toThrow(/invalid Prisma schema:\n.*Nope/s);
    expect(() => schema('model Broken {\n  id Nope @id\n}')).not.toThrow('\u001b[');
  });
});

describe('normalising Postgres type names', () => {
  it('reads format_type’s long spellings as the short ones', () => {
    expect(normaliseType('timestamp(3) with time zone')).toBe('timestamptz(3)');
    expect(normaliseType('timestamp(3) without time zone')).toBe('timestamp(3)');
    expect(normaliseType('character varying(100)')).toBe('varchar(100)');
    expect(normaliseType('character(6)')).toBe('char(6)');
    expect(normaliseType('time with time zone')).toBe('timetz');
    expect(normaliseType('character varying(20)[]')).toBe('varchar(20)[]');
    expect(normaliseType('"TeamKind"')).toBe('TeamKind');
    expect(normaliseType('public.team_kind[]')).toBe('team_kind[]');
  });

  it('treats precision 6, Postgres’s default, as no precision', () => {
    expect(normaliseType('timestamp(6) with time zone')).toBe(normaliseType('timestamptz'));
  });
});

describe('comparing the schema with the database', () => {
  it('finds nothing when they agree', () => {
    expect(compareShapes(schema(teamModels), teamDatabase())).toEqual([]);
  });

  it('reports a table the migrations did not create', () => {
    const actual = teamDatabase();
    delete actual.tables.team_coverage;
    expect(compareShapes(schema(teamModels), actual)).toEqual([
      'table "team_coverage" is in the schema but missing from the database',
    ]);
  });

  it('reports a table in the database that the schema does not know', () => {
    const actual = teamDatabase();
    actual.tables.legacy = { columns: {}, primaryKey: [], uniques: [], foreignKeys: [] };
    expect(compareShapes(schema(teamModels), actual)).toEqual([
      'table "legacy" is in the database but not in the schema',
    ]);
  });

  it('reports missing and extra columns', () => {
    const actual = teamDatabase();
    const team = table(actual, 'team');
    delete team.columns.name;
    team.columns.nickname = { type: 'text', nullable: true, hasDefault: false };
    expect(compareShapes(schema(teamModels), actual)).toEqual([
      'table "team": column "name" is in the schema but missing from the database',
      'table "team": column "nickname" is in the database but not in the schema',
    ]);
  });

  it('reports a column whose type differs, in both spellings’ short form', () => {
    const expected = schema(
      'model Signal {\n  id Int @id\n  amountCents Int @map("amount_cents")\n\n  @@map("signal")\n}',
    );
    const actual: SchemaShape = {
      enums: {},
      tables: {
        signal: {
          columns: {
            id: { type: 'integer', nullable: false, hasDefault: false },
            amount_cents: { type: 'bigint', nullable: false, hasDefault: false },
          },
          primaryKey: ['id'],
          uniques: [],
          foreignKeys: [],
        },
      },
    };
    expect(compareShapes(expected, actual)).toEqual([
      'table "signal": column "amount_cents" is integer in the schema but bigint in the database',
    ]);
  });

  it('does not report a type written differently but meaning the same', () => {
    const actual = teamDatabase();
    const team = table(actual, 'team');
    team.columns.created_at = { type: 'timestamp(3) with time zone', nullable: false, hasDefault: true };
    team.columns.name = { type: 'character varying(100)', nullable: false, hasDefault: false };
    team.columns.kind = { type: '"team_kind"', nullable: false, hasDefault: true };
    expect(compareShapes(schema(teamModels), actual)).toEqual([]);
  });

  it('reports a nullability mismatch either way', () => {
    const actual = teamDatabase();
    const team = table(actual, 'team');
    team.columns.name = { type: 'varchar(100)', nullable: true, hasDefault: false };
    expect(compareShapes(schema(teamModels), actual)).toEqual([
      'table "team": column "name" is NOT NULL in the schema but nullable in the database',
    ]);
  });

  it('reports a default the schema expects but the database lacks, and the reverse', () => {
    const actual = teamDatabase();
    const team = table(actual, 'team');
    team.columns.created_at = { type: 'timestamptz(3)', nullable: false, hasDefault: false };
    team.columns.id = { type: 'uuid', nullable: false, hasDefault: true };
    expect(compareShapes(schema(teamModels), actual)).toEqual([
      'table "team": column "created_at" has a database default in the schema but none in the database',
      expect.stringMatching(
        /^table "team": column "id" has no database default in the schema but has one in the database/,
      ),
    ]);
  });

  it('reports a different primary key, including its column order and its absence', () => {
    const expected = schema(
      'model Inbox {\n  a String\n  b String\n\n  @@id([a, b])\n  @@map("inbox")\n}\n\nmodel Other {\n  id Int @id\n}',
    );
    const columns = {
      a: { type: 'text', nullable: false, hasDefault: false },
      b: { type: 'text', nullable: false, hasDefault: false },
    };
    const actual: SchemaShape = {
      enums: {},
      tables: {
        inbox: { columns, primaryKey: ['b', 'a'], uniques: [], foreignKeys: [] },
        Other: {
          columns: { id: { type: 'integer', nullable: false, hasDefault: false } },
          primaryKey: [],
          uniques: [],
          foreignKeys: [],
        },
      },
    };
    expect(compareShapes(expected, actual)).toEqual([
      'table "Other": primary key is (id) in the schema but none in the database',
      'table "inbox": primary key is (a, b) in the schema but (b, a) in the database',
    ]);
  });

  it('reports unique constraints missing or extra, regardless of column order within one', () => {
    const expected = schema(`
model Signal {
  id        Int    @id
  eventId   String @unique @map("event_id")
  partnerId String @map("partner_id")
  reference String

  @@unique([partnerId, reference])
  @@map("signal")
}`);
    const text = { type: 'text', nullable: false, hasDefault: false };
    const actual: SchemaShape = {
      enums: {},
      tables: {
        signal: {
          columns: {
            id: { type: 'integer', nullable: false, hasDefault: false },
            event_id: text,
            partner_id: text,
            reference: text,
          },
          primaryKey: ['id'],
          uniques: [['reference', 'partner_id'], ['reference']],
          foreignKeys: [],
        },
      },
    };
    expect(compareShapes(expected, actual)).toEqual([
      'table "signal": unique constraint on (event_id) is in the schema but missing from the database',
      'table "signal": unique constraint on (reference) is in the database but not in the schema',
    ]);
  });

  it('reports foreign keys missing, extra, or pointing elsewhere', () => {
    const actual = teamDatabase();
    table(actual, 'team_coverage').foreignKeys = [
      { columns: ['team_id'], referencedTable: 'other_team', referencedColumns: ['id'] },
    ];
    expect(compareShapes(schema(teamModels), actual)).toEqual([
      'table "team_coverage": foreign key (team_id) references team(id) is in the schema but missing from the database',
      'table "team_coverage": foreign key (team_id) references other_team(id) is in the database but not in the schema',
    ]);
  });

  it('reports enums missing, extra, or with other values', () => {
    const actual = teamDatabase();
    actual.enums = { team_kind: ['WIJKTEAM', 'JEUGD'], leftover: ['X'] };
    const missing = teamDatabase();
    missing.enums = {};
    expect(compareShapes(schema(teamModels), actual)).toEqual([
      'enum "leftover" is in the database but not in the schema',
      'enum "team_kind" has values (WIJKTEAM, jeugd) in the schema but (WIJKTEAM, JEUGD) in the database',
    ]);
    expect(compareShapes(schema(teamModels), missing)).toEqual([
      'enum "team_kind" is in the schema but missing from the database',
    ]);
  });

  it('is not fooled by a table named like an Object.prototype property', () => {
    const actual = teamDatabase();
    actual.tables = { ...actual.tables, constructor: { columns: {}, primaryKey: [], uniques: [], foreignKeys: [] } };
    expect(compareShapes(schema(teamModels), actual)).toEqual([
      'table "constructor" is in the database but not in the schema',
    ]);
  });
});
