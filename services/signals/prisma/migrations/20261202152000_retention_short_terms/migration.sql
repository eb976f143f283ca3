-- Retention terms may be minutes, hours or days on a staging system: the audit
-- keeps the term as configured (`6 months`, `30 minutes`), and its months only
-- when it was counted in months.
ALTER TABLE "retention_audit" ADD COLUMN "term_length" TEXT;
ALTER TABLE "retention_audit" ALTER COLUMN "term_months" DROP NOT NULL;
