-- Teams and the areas they cover, routing decisions, with the transactional
-- outbox and the idempotent inbox every service carries.

CREATE TABLE "team" (
  "id"                UUID           NOT NULL,
  "name"              TEXT           NOT NULL,
  "municipality_code" TEXT           NOT NULL,
  "active"            BOOLEAN        NOT NULL DEFAULT true,
  "created_at"        TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "team_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "team_municipality_code_check" CHECK ("municipality_code" ~ '^GM[0-9]{4}$')
);

CREATE TABLE "team_coverage" (
  "postcode_prefix" TEXT NOT NULL,
  "team_id"         UUID NOT NULL,
  CONSTRAINT "team_coverage_pkey" PRIMARY KEY ("postcode_prefix"),
  CONSTRAINT "team_coverage_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "team" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT "team_coverage_prefix_check" CHECK ("postcode_prefix" ~ '^[1-9][0-9]{3}([A-Z]{2})?$')
);
CREATE INDEX "team_coverage_team_id_idx" ON "team_coverage" ("team_id");

CREATE TABLE "routing_decision" (
  "id"          UUID           NOT NULL,
  "item_kind"   TEXT           NOT NULL,
  "item_id"     UUID           NOT NULL,
  "outcome"     TEXT           NOT NULL,
  "team_id"     UUID,
  "reason"      TEXT,
  "explanation" TEXT           NOT NULL,
  "decided_at"  TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "routing_decision_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "routing_decision_outcome_check" CHECK ("outcome" IN ('decided', 'failed'))
);
CREATE INDEX "routing_decision_item_idx" ON "routing_decision" ("item_kind", "item_id");

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
