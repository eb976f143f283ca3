-- Retention: what the scheduled deletion removed and under which term,
-- without the personal data itself. Case access: which team holds an active
-- referral of a case (from routing and referral events), and who read a
-- case's subject details.

CREATE TABLE "retention_audit" (
  "id"              BIGSERIAL      NOT NULL,
  "record_kind"     TEXT           NOT NULL,
  "record_id"       UUID           NOT NULL,
  "partner_id"      TEXT,
  "categories"      TEXT[],
  "term"            TEXT           NOT NULL,
  "term_months"     INTEGER        NOT NULL,
  "term_started_at" TIMESTAMPTZ(3) NOT NULL,
  "deleted_at"      TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "retention_audit_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "retention_audit_record_kind_check" CHECK ("record_kind" IN ('signal', 'household_case')),
  CONSTRAINT "retention_audit_term_check" CHECK ("term" IN ('unmatched_signal', 'open_case_inactive', 'closed_case')),
  -- Prisma reads a list column as nullable; the check keeps it filled all the same.
  CONSTRAINT "retention_audit_categories_check" CHECK ("categories" IS NOT NULL)
);
CREATE INDEX "retention_audit_record_idx" ON "retention_audit" ("record_id");

-- The retention job finds what ran out of its term.
CREATE INDEX "signal_unmatched_received_idx" ON "signal" ("received_at") WHERE "case_id" IS NULL;
CREATE INDEX "household_case_closed_idx" ON "household_case" ("closed_at") WHERE "status" = 'closed';
CREATE INDEX "household_case_open_last_signal_idx" ON "household_case" ("last_signal_at") WHERE "status" = 'open';

-- No foreign key to household_case: an event about a case may arrive after retention deleted it.
CREATE TABLE "case_team_access" (
  "case_id" UUID           NOT NULL,
  "team_id" UUID           NOT NULL,
  "active"  BOOLEAN        NOT NULL,
  "as_of"   TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "case_team_access_pkey" PRIMARY KEY ("case_id", "team_id")
);

CREATE TABLE "subject_access_log" (
  "id"                BIGSERIAL      NOT NULL,
  "at"                TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "client_id"         TEXT           NOT NULL,
  "organisation_id"   TEXT           NOT NULL,
  "organisation_kind" TEXT           NOT NULL,
  "case_id"           UUID           NOT NULL,
  "action"            TEXT           NOT NULL,
  "outcome"           TEXT           NOT NULL,
  CONSTRAINT "subject_access_log_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "subject_access_log_outcome_check" CHECK ("outcome" IN ('shown', 'refused'))
);
CREATE INDEX "subject_access_log_case_idx" ON "subject_access_log" ("case_id", "at");
