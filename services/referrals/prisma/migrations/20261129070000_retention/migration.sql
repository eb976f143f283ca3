-- Retention of GP referral data: the job deletes referral_request rows and
-- clears closing notes past their term, and keeps one audit row per record
-- (which record, which categories, under which term; never the data).
CREATE TABLE "retention_audit" (
  "id"              BIGSERIAL PRIMARY KEY,
  "record_kind"     TEXT NOT NULL,
  "record_id"       UUID NOT NULL,
  "organisation_id" TEXT,
  "categories"      TEXT[],
  "term"            TEXT NOT NULL,
  "term_months"     INTEGER NOT NULL,
  "term_started_at" TIMESTAMPTZ(3) NOT NULL,
  "deleted_at"      TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX "retention_audit_record_id_idx" ON "retention_audit" ("record_id");
