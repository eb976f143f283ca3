-- Re-routing and transfers need what the first routing decided about an
-- item (its rule's deadline, its escalation date, its neighbourhood), so a
-- decline, an expiry or a transfer can be decided without the original
-- event. The coordinator queue also takes escalations, which are about a
-- referral rather than a routing decision. Partner organisations join the
-- municipality's network and are published on the compacted topic.

ALTER TABLE "routed_item"
  ADD COLUMN "neighbourhood_code"    TEXT,
  ADD COLUMN "rule_id"               TEXT,
  ADD COLUMN "deadline_working_days" INTEGER,
  ADD COLUMN "escalates_on"          DATE;

ALTER TABLE "coordinator_queue_item"
  ALTER COLUMN "decision_id" DROP NOT NULL,
  ADD COLUMN "referral_id" UUID;

CREATE TABLE "partner" (
  "id"                 TEXT           NOT NULL,
  "kind"               TEXT           NOT NULL,
  "oin"                TEXT,
  "kvk"                TEXT,
  "municipality_codes" TEXT[]                  DEFAULT ARRAY[]::TEXT[],
  "signal_kinds"       TEXT[]                  DEFAULT ARRAY[]::TEXT[],
  "active"             BOOLEAN        NOT NULL DEFAULT true,
  "revision"           INTEGER        NOT NULL DEFAULT 1,
  "created_at"         TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "partner_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "partner_kind_check" CHECK ("kind" IN ('landlord', 'energy', 'water', 'health_insurer', 'school', 'gp')),
  CONSTRAINT "partner_oin_check" CHECK ("oin" ~ '^[0-9]{20}$'),
  CONSTRAINT "partner_kvk_check" CHECK ("kvk" ~ '^[0-9]{8}$'),
  -- Exactly one register number: the OIN of a government body or the KvK number of a company.
  CONSTRAINT "partner_number_check" CHECK (("oin" IS NULL) <> ("kvk" IS NULL))
);
-- Coordinators list the partners of their municipality.
CREATE INDEX "partner_municipality_codes_idx" ON "partner" USING GIN ("municipality_codes");
