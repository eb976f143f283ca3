-- The municipality's map (municipalities, districts, neighbourhoods and the
-- postcode map), teams with what routing needs of them (specialisms,
-- neighbourhoods, capacity), the ordered routing rules, the items routed
-- (for re-routing) and the coordinator queue. Replaces the walking
-- skeleton's postcode-prefix coverage, which the rules take over.

CREATE TABLE "municipality" (
  "code"       TEXT           NOT NULL,
  "name"       TEXT           NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "municipality_pkey" PRIMARY KEY ("code"),
  CONSTRAINT "municipality_code_check" CHECK ("code" ~ '^GM[0-9]{4}$')
);

CREATE TABLE "district" (
  "code"              TEXT NOT NULL,
  "municipality_code" TEXT NOT NULL,
  "name"              TEXT NOT NULL,
  CONSTRAINT "district_pkey" PRIMARY KEY ("code"),
  CONSTRAINT "district_code_check" CHECK ("code" ~ '^WK[0-9]{6}$'),
  CONSTRAINT "district_municipality_code_fkey" FOREIGN KEY ("municipality_code") REFERENCES "municipality" ("code") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "district_municipality_code_idx" ON "district" ("municipality_code");

CREATE TABLE "neighbourhood" (
  "code"              TEXT    NOT NULL,
  "district_code"     TEXT    NOT NULL,
  "municipality_code" TEXT    NOT NULL,
  "name"              TEXT    NOT NULL,
  "active"            BOOLEAN NOT NULL DEFAULT true,
  "revision"          INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT "neighbourhood_pkey" PRIMARY KEY ("code"),
  CONSTRAINT "neighbourhood_code_check" CHECK ("code" ~ '^BU[0-9]{8}$'),
  CONSTRAINT "neighbourhood_district_code_fkey" FOREIGN KEY ("district_code") REFERENCES "district" ("code") ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT "neighbourhood_municipality_code_fkey" FOREIGN KEY ("municipality_code") REFERENCES "municipality" ("code") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "neighbourhood_district_code_idx" ON "neighbourhood" ("district_code");
CREATE INDEX "neighbourhood_municipality_code_idx" ON "neighbourhood" ("municipality_code");

-- One row per PC6 with a house-number range, or per PC4 (the coarser
-- fallback, usually 1 to 99999). The router asks for the PC6 and the PC4 of
-- an address and prefers the PC6 row.
CREATE TABLE "postcode_range" (
  "id"                 BIGSERIAL NOT NULL,
  "postcode"           TEXT      NOT NULL,
  "house_number_from"  INTEGER   NOT NULL,
  "house_number_to"    INTEGER   NOT NULL,
  "neighbourhood_code" TEXT      NOT NULL,
  CONSTRAINT "postcode_range_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "postcode_range_postcode_check" CHECK ("postcode" ~ '^[1-9][0-9]{3}([A-Z]{2})?$'),
  CONSTRAINT "postcode_range_numbers_check" CHECK ("house_number_from" >= 1 AND "house_number_from" <= "house_number_to"),
  CONSTRAINT "postcode_range_neighbourhood_code_fkey" FOREIGN KEY ("neighbourhood_code") REFERENCES "neighbourhood" ("code") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "postcode_range_postcode_idx" ON "postcode_range" ("postcode");
CREATE INDEX "postcode_range_neighbourhood_code_idx" ON "postcode_range" ("neighbourhood_code");

DROP TABLE "team_coverage";

-- Array columns stay nullable: Prisma cannot declare a list NOT NULL (the
-- drift check compares them so), and the client always writes one.
ALTER TABLE "team"
  ADD COLUMN "specialisms"      TEXT[]           DEFAULT ARRAY[]::TEXT[],
  ADD COLUMN "capacity"         INTEGER NOT NULL DEFAULT 25,
  ADD COLUMN "open_assignments" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "contact"          TEXT,
  ADD COLUMN "webhook_url"      TEXT,
  ADD COLUMN "revision"         INTEGER NOT NULL DEFAULT 1,
  ADD CONSTRAINT "team_capacity_check" CHECK ("capacity" >= 0),
  ADD CONSTRAINT "team_open_assignments_check" CHECK ("open_assignments" >= 0);

CREATE TABLE "team_neighbourhood" (
  "team_id"            UUID NOT NULL,
  "neighbourhood_code" TEXT NOT NULL,
  CONSTRAINT "team_neighbourhood_pkey" PRIMARY KEY ("team_id", "neighbourhood_code"),
  CONSTRAINT "team_neighbourhood_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT "team_neighbourhood_neighbourhood_code_fkey" FOREIGN KEY ("neighbourhood_code") REFERENCES "neighbourhood" ("code") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "team_neighbourhood_neighbourhood_code_idx" ON "team_neighbourhood" ("neighbourhood_code");

-- The ordered rules of a municipality. A rule switched off (its team went
-- inactive) keeps its place and says why in disabled_reason.
CREATE TABLE "routing_rule" (
  "municipality_code"     TEXT    NOT NULL,
  "id"                    TEXT    NOT NULL,
  "position"              INTEGER NOT NULL,
  "enabled"               BOOLEAN NOT NULL DEFAULT true,
  "disabled_reason"       TEXT,
  "match"                 JSONB   NOT NULL,
  "team_id"               UUID    NOT NULL,
  "inform_team_ids"       UUID[]           DEFAULT ARRAY[]::UUID[],
  "deadline_working_days" INTEGER NOT NULL,
  CONSTRAINT "routing_rule_pkey" PRIMARY KEY ("municipality_code", "id"),
  CONSTRAINT "routing_rule_deadline_check" CHECK ("deadline_working_days" BETWEEN 0 AND 100),
  CONSTRAINT "routing_rule_municipality_code_fkey" FOREIGN KEY ("municipality_code") REFERENCES "municipality" ("code") ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT "routing_rule_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "team" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "routing_rule_municipality_code_position_key" ON "routing_rule" ("municipality_code", "position");
CREATE INDEX "routing_rule_team_id_idx" ON "routing_rule" ("team_id");

-- What the router knew of an item and which teams had it, so a decline or
-- an expired deadline can route it again without the original event.
CREATE TABLE "routed_item" (
  "item_kind"         TEXT           NOT NULL,
  "item_id"           UUID           NOT NULL,
  "facts"             JSONB          NOT NULL,
  "postcode"          TEXT           NOT NULL,
  "house_number"      INTEGER        NOT NULL,
  "municipality_code" TEXT,
  "attempt"           INTEGER        NOT NULL DEFAULT 1,
  "team_id"           UUID,
  "excluded_team_ids" UUID[]                  DEFAULT ARRAY[]::UUID[],
  "updated_at"        TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "routed_item_pkey" PRIMARY KEY ("item_kind", "item_id")
);

-- Items no rule could place, per municipality, until a coordinator resolves them.
CREATE TABLE "coordinator_queue_item" (
  "id"                UUID           NOT NULL,
  "municipality_code" TEXT,
  "item_kind"         TEXT           NOT NULL,
  "item_id"           UUID           NOT NULL,
  "decision_id"       UUID           NOT NULL,
  "reason"            TEXT           NOT NULL,
  "explanation"       TEXT           NOT NULL,
  "queued_at"         TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "resolved_at"       TIMESTAMPTZ(3),
  CONSTRAINT "coordinator_queue_item_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "coordinator_queue_item_open_idx" ON "coordinator_queue_item" ("municipality_code", "queued_at") WHERE "resolved_at" IS NULL;

ALTER TABLE "routing_decision"
  ADD COLUMN "rule_id"           TEXT,
  ADD COLUMN "attempt"           INTEGER NOT NULL DEFAULT 1,
  ADD COLUMN "neighbourhood_code" TEXT,
  ADD COLUMN "municipality_code" TEXT;
