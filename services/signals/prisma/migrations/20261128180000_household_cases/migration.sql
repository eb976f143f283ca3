-- The full signal per type (subject, preconditions, crisis, school absence),
-- household cases, purpose-limited feedback and idempotent batches.

CREATE TABLE "household_case" (
  "id"                    UUID           NOT NULL,
  "household_key"         TEXT           NOT NULL,
  "postcode"              TEXT           NOT NULL,
  "house_number"          INTEGER        NOT NULL,
  "house_number_addition" TEXT,
  "status"                TEXT           NOT NULL,
  "closing_result"        TEXT,
  "opened_at"             TIMESTAMPTZ(3) NOT NULL,
  "last_signal_at"        TIMESTAMPTZ(3) NOT NULL,
  "closed_at"             TIMESTAMPTZ(3),
  CONSTRAINT "household_case_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "household_case_status_check" CHECK ("status" IN ('open', 'closed')),
  CONSTRAINT "household_case_closed_check" CHECK (("status" = 'closed') = ("closing_result" IS NOT NULL))
);
-- Intake looks up the household's open case.
CREATE INDEX "household_case_open_idx" ON "household_case" ("household_key", "last_signal_at") WHERE "status" = 'open';

ALTER TABLE "signal" DROP CONSTRAINT "signal_type_check";
ALTER TABLE "signal" DROP CONSTRAINT "signal_arrears_positive";
ALTER TABLE "signal"
  ALTER COLUMN "arrears_cents" DROP NOT NULL,
  ALTER COLUMN "arrears_since" DROP NOT NULL,
  ADD COLUMN "closing_result"        TEXT,
  ADD COLUMN "feedback_status"       TEXT,
  ADD COLUMN "case_id"               UUID,
  ADD COLUMN "household_key"         TEXT,
  ADD COLUMN "subject_given_name"    TEXT,
  ADD COLUMN "subject_family_name"   TEXT,
  ADD COLUMN "subject_date_of_birth" DATE,
  ADD COLUMN "subject_phone"         TEXT,
  ADD COLUMN "subject_email"         TEXT,
  ADD COLUMN "crisis"                BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "crisis_kind"           TEXT,
  ADD COLUMN "crisis_planned_on"     DATE,
  ADD COLUMN "preconditions"         JSONB,
  ADD COLUMN "absence_hours"         INTEGER,
  ADD COLUMN "absence_from"          DATE,
  ADD COLUMN "absence_to"            DATE,
  ADD COLUMN "closed_at"             TIMESTAMPTZ(3);

-- Signals of the walking skeleton were single and open.
UPDATE "signal" SET
  "status" = 'open',
  "feedback_status" = 'in_progress',
  "household_key" = "postcode" || '|' || "house_number" || '|' ||
                    regexp_replace(lower(coalesce("house_number_addition", '')), '[^a-z0-9]', '', 'g');
ALTER TABLE "signal"
  ALTER COLUMN "feedback_status" SET NOT NULL,
  ALTER COLUMN "household_key" SET NOT NULL;

ALTER TABLE "signal"
  ADD CONSTRAINT "signal_type_check"
    CHECK ("type" IN ('rent', 'energy', 'water', 'health_insurance', 'cak', 'school_absence')),
  ADD CONSTRAINT "signal_status_check" CHECK ("status" IN ('open', 'closed')),
  ADD CONSTRAINT "signal_arrears_positive" CHECK ("arrears_cents" IS NULL OR "arrears_cents" > 0),
  ADD CONSTRAINT "signal_feedback_status_check"
    CHECK ("feedback_status" IN ('in_progress', 'not_picked_up', 'repeat', 'unjustified', 'deceased', 'not_resident')),
  ADD CONSTRAINT "signal_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "household_case" ("id")
    ON DELETE SET NULL ON UPDATE CASCADE;

CREATE INDEX "signal_case_id_idx" ON "signal" ("case_id");
-- The repeat rule: the partner's last signal of a type for a household.
CREATE INDEX "signal_repeat_idx" ON "signal" ("partner_id", "type", "household_key", "received_at");
-- A partner's list, filtered by feedback status, newest first.
CREATE INDEX "signal_partner_list_idx" ON "signal" ("partner_id", "feedback_status", "received_at", "id");

CREATE TABLE "idempotent_request" (
  "partner_id"   TEXT           NOT NULL,
  "key"          TEXT           NOT NULL,
  "request_hash" TEXT           NOT NULL,
  "response"     JSONB,
  "status_code"  INTEGER,
  "created_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "idempotent_request_pkey" PRIMARY KEY ("partner_id", "key")
);
