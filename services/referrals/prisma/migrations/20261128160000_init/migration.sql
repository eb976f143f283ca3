-- Referrals per team, with the transactional outbox and the idempotent inbox
-- every service carries.

CREATE TABLE "referral" (
  "id"          UUID           NOT NULL,
  "decision_id" UUID           NOT NULL,
  "team_id"     UUID           NOT NULL,
  "item_kind"   TEXT           NOT NULL,
  "item_id"     UUID           NOT NULL,
  "status"      TEXT           NOT NULL,
  "deadline"    DATE           NOT NULL,
  "explanation" TEXT           NOT NULL,
  "created_at"  TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "referral_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "referral_decision_id_key" ON "referral" ("decision_id");
-- The team inbox lists a team's referrals, newest first.
CREATE INDEX "referral_team_id_created_at_idx" ON "referral" ("team_id", "created_at" DESC);

CREATE TABLE "outbox" (
  "position"    BIGSERIAL      NOT NULL,
  "event_id"    UUID           NOT NULL,
  "topic"       TEXT           NOT NULL,
  "message_key" TEXT           NOT NULL,
  "headers"     JSONB          NOT NULL,
  "payload"     JSONB          NOT NULL,
  "created_at"  TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "sent_at"     TIMESTAMPTZ(3),
  CONSTRAINT "outbox_pkey" PRIMARY KEY ("position")
);
CREATE UNIQUE INDEX "outbox_event_id_key" ON "outbox" ("event_id");
-- The relay reads unsent rows in order, and per key for the ordering check.
CREATE INDEX "outbox_unsent_idx" ON "outbox" ("position") WHERE "sent_at" IS NULL;
CREATE INDEX "outbox_key_unsent_idx" ON "outbox" ("message_key", "position") WHERE "sent_at" IS NULL;
CREATE INDEX "outbox_sent_at_idx" ON "outbox" ("sent_at") WHERE "sent_at" IS NOT NULL;

-- Wakes the relay on commit (NOTIFY is delivered only when the transaction
-- commits), so publishing takes milliseconds instead of a poll interval.
CREATE FUNCTION "outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END;
$$;
CREATE TRIGGER "outbox_notify" AFTER INSERT ON "outbox" FOR EACH STATEMENT EXECUTE FUNCTION "outbox_notify"();

CREATE TABLE "inbox" (
  "consumer_group" TEXT           NOT NULL,
  "event_id"       TEXT           NOT NULL,
  "processed_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "inbox_pkey" PRIMARY KEY ("consumer_group", "event_id")
);
