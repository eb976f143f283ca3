-- The outbox and inbox of every service, copied from
-- services/referrals/prisma/migrations/20261128160000_init/migration.sql
-- (keep in step with it: the relay's queries lean on these indexes and on
-- the NOTIFY trigger), plus the table the bench handler writes its effect to.

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
CREATE INDEX "outbox_unsent_idx" ON "outbox" ("position") WHERE "sent_at" IS NULL;
CREATE INDEX "outbox_key_unsent_idx" ON "outbox" ("message_key", "position") WHERE "sent_at" IS NULL;
CREATE INDEX "outbox_sent_at_idx" ON "outbox" ("sent_at") WHERE "sent_at" IS NOT NULL;

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

-- What the bench handler applies, in the inbox's transaction: one row per
-- applied event, the stand-in for a service's state change.
CREATE TABLE "effects" (
  "applied"  BIGSERIAL NOT NULL,
  "event_id" TEXT      NOT NULL,
  "case_id"  UUID      NOT NULL,
  "seq"      INTEGER   NOT NULL,
  CONSTRAINT "effects_pkey" PRIMARY KEY ("applied")
);
