-- The referral lifecycle: statuses with their timers, an append-only history,
-- contact attempts, notices to informed teams, the team read model, GP
-- referral requests with consent, and the access log of personal details.

ALTER TABLE "referral"
  ADD COLUMN "escalates_on"               DATE,
  ADD COLUMN "expires_at"                 TIMESTAMPTZ(3),
  ADD COLUMN "escalates_at"               TIMESTAMPTZ(3),
  ADD COLUMN "escalated_at"               TIMESTAMPTZ(3),
  ADD COLUMN "attempt"                    INTEGER NOT NULL DEFAULT 1,
  ADD COLUMN "rule_id"                    TEXT,
  ADD COLUMN "neighbourhood_code"         TEXT,
  ADD COLUMN "urgency"                    TEXT,
  ADD COLUMN "decline_reason"             TEXT,
  ADD COLUMN "closing_result"             TEXT,
  ADD COLUMN "closing_notes"              TEXT,
  ADD COLUMN "accepted_at"                TIMESTAMPTZ(3),
  ADD COLUMN "first_contact_at"           TIMESTAMPTZ(3),
  ADD COLUMN "ended_at"                   TIMESTAMPTZ(3),
  ADD COLUMN "transferred_to_team_id"     UUID,
  ADD COLUMN "transferred_to_referral_id" UUID,
  ADD COLUMN "updated_at"                 TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
-- Referrals made before the timers existed: escalate on their deadline (the
-- conservative choice, the coordinator hears early), expire after it.
UPDATE "referral" SET
  "escalates_on" = "deadline",
  "expires_at"   = ("deadline" + 1)::timestamp AT TIME ZONE 'Europe/Amsterdam',
  "escalates_at" = "deadline"::timestamp AT TIME ZONE 'Europe/Amsterdam';
ALTER TABLE "referral"
  ALTER COLUMN "escalates_on" SET NOT NULL,
  ALTER COLUMN "expires_at" SET NOT NULL,
  ALTER COLUMN "escalates_at" SET NOT NULL,
  ALTER COLUMN "attempt" DROP DEFAULT;
CREATE UNIQUE INDEX "referral_transferred_to_referral_id_key" ON "referral" ("transferred_to_referral_id");
-- Inbox sorted by deadline; GP status and subject access look referrals up by item.
CREATE INDEX "referral_team_id_deadline_id_idx" ON "referral" ("team_id", "deadline", "id");
CREATE INDEX "referral_item_id_idx" ON "referral" ("item_id");
-- The deadline poller scans only referrals still waiting for their team.
CREATE INDEX "referral_routed_expires_at_idx" ON "referral" ("expires_at") WHERE "status" = 'routed';
CREATE INDEX "referral_routed_escalates_at_idx" ON "referral" ("escalates_at")
  WHERE "status" = 'routed' AND "escalated_at" IS NULL;

CREATE TABLE "referral_history" (
  "id"           BIGSERIAL      NOT NULL,
  "referral_id"  UUID           NOT NULL,
  "action"       TEXT           NOT NULL,
  "from_status"  TEXT,
  "to_status"    TEXT           NOT NULL,
  "code"         TEXT,
  "actor_kind"   TEXT           NOT NULL,
  "actor_id"     TEXT           NOT NULL,
  "actor_client" TEXT,
  "at"           TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "referral_history_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "referral_history_referral_id_id_idx" ON "referral_history" ("referral_id", "id");
-- History is evidence: the database itself refuses to rewrite or delete it.
CREATE FUNCTION "referral_history_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'referral_history is append-only';
END;
$$;
CREATE TRIGGER "referral_history_append_only" BEFORE UPDATE OR DELETE ON "referral_history"
  FOR EACH ROW EXECUTE FUNCTION "referral_history_append_only"();

CREATE TABLE "contact_attempt" (
  "id"           UUID           NOT NULL,
  "referral_id"  UUID           NOT NULL,
  "channel"      TEXT           NOT NULL,
  "date"         DATE           NOT NULL,
  "part_of_day"  TEXT           NOT NULL,
  "reached"      BOOLEAN        NOT NULL,
  "recorded_at"  TIMESTAMPTZ(3) NOT NULL,
  "recorded_by"  TEXT           NOT NULL,
  CONSTRAINT "contact_attempt_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "contact_attempt_referral_id_recorded_at_idx" ON "contact_attempt" ("referral_id", "recorded_at");

CREATE TABLE "referral_notice" (
  "id"                 UUID           NOT NULL,
  "decision_id"        UUID           NOT NULL,
  "team_id"            UUID           NOT NULL,
  "item_kind"          TEXT           NOT NULL,
  "item_id"            UUID           NOT NULL,
  "assigned_team_id"   UUID           NOT NULL,
  "neighbourhood_code" TEXT,
  "created_at"         TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "referral_notice_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "referral_notice_decision_id_team_id_key" ON "referral_notice" ("decision_id", "team_id");
CREATE INDEX "referral_notice_team_id_created_at_idx" ON "referral_notice" ("team_id", "created_at" DESC);

CREATE TABLE "team" (
  "id"                UUID           NOT NULL,
  "municipality_code" TEXT           NOT NULL,
  "name"              TEXT           NOT NULL,
  "active"            BOOLEAN        NOT NULL,
  "revision"          INTEGER        NOT NULL,
  "changed_at"        TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "team_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "item_urgency" (
  "item_id"    UUID           NOT NULL,
  "urgency"    TEXT           NOT NULL,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "item_urgency_pkey" PRIMARY KEY ("item_id")
);

CREATE TABLE "referral_request" (
  "id"                       UUID           NOT NULL,
  "gp_organisation_id"       TEXT           NOT NULL,
  "reference"                TEXT,
  "given_name"               TEXT           NOT NULL,
  "family_name"              TEXT           NOT NULL,
  "date_of_birth"            DATE           NOT NULL,
  "phone"                    TEXT,
  "email"                    TEXT,
  "postcode"                 TEXT           NOT NULL,
  "house_number"             INTEGER        NOT NULL,
  "house_number_addition"    TEXT,
  "municipality_code"        TEXT,
  "concern_codes"            TEXT[],
  "icpc_code"                TEXT           NOT NULL,
  "concern_note"             TEXT,
  "urgency"                  TEXT           NOT NULL,
  "age_band"                 TEXT           NOT NULL,
  "referrer_name"            TEXT           NOT NULL,
  "referrer_role"            TEXT           NOT NULL,
  "referrer_phone"           TEXT           NOT NULL,
  "referrer_email"           TEXT,
  "consent_recorded_by"      TEXT           NOT NULL,
  "consent_recorded_at"      TIMESTAMPTZ(3) NOT NULL,
  "consent_purposes"         TEXT[],
  "requested_at"             TIMESTAMPTZ(3) NOT NULL,
  "handed_to_coordinator_at" TIMESTAMPTZ(3),
  CONSTRAINT "referral_request_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "referral_request_gp_organisation_id_reference_key"
  ON "referral_request" ("gp_organisation_id", "reference");

CREATE TABLE "subject_access" (
  "id"                BIGSERIAL      NOT NULL,
  "organisation_kind" TEXT           NOT NULL,
  "organisation_id"   TEXT           NOT NULL,
  "client_id"         TEXT           NOT NULL,
  "referral_id"       UUID,
  "request_id"        UUID           NOT NULL,
  "action"            TEXT           NOT NULL,
  "at"                TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "subject_access_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "subject_access_request_id_at_idx" ON "subject_access" ("request_id", "at");
