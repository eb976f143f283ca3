-- Signals as partners deliver them, with the transactional outbox and the
-- idempotent inbox every service carries.

CREATE TABLE "signal" (
  "id"                    UUID         NOT NULL,
  "partner_id"            TEXT         NOT NULL,
  "partner_kind"          TEXT         NOT NULL,
  "reference"             TEXT         NOT NULL,
  "type"                  TEXT         NOT NULL,
  "status"                TEXT         NOT NULL,
  "postcode"              TEXT         NOT NULL,
  "house_number"          INTEGER      NOT NULL,
  "house_number_addition" TEXT,
  "arrears_cents"         INTEGER      NOT NULL,
  "arrears_since"         DATE         NOT NULL,
  "received_at"           TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "signal_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "signal_type_check" CHECK ("type" IN ('rent', 'energy', 'water', 'health_insurance')),
  CONSTRAINT "signal_arrears_positive" CHECK ("arrears_cents" > 0)
);
CREATE UNIQUE INDEX "signal_partner_id_reference_key" ON "signal" ("partner_id", "reference");

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
