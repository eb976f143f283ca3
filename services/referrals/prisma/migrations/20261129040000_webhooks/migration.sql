-- Webhooks: subscriptions of teams and partner organisations, one delivery per
-- event and subscription (written with the consumer's inbox entry), and the
-- attempts of each delivery for the delivery log.

CREATE TABLE "webhook_subscription" (
  "id"          UUID           NOT NULL,
  "owner_kind"  TEXT           NOT NULL,
  "owner_id"    TEXT           NOT NULL,
  "url"         TEXT           NOT NULL,
  "event_types" TEXT[],
  "secret"      TEXT           NOT NULL,
  "created_at"  TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "webhook_subscription_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "webhook_subscription_owner_kind_owner_id_idx" ON "webhook_subscription" ("owner_kind", "owner_id");

CREATE TABLE "webhook_delivery" (
  "id"               UUID           NOT NULL,
  "subscription_id"  UUID           NOT NULL,
  "event_id"         TEXT           NOT NULL,
  "event_type"       TEXT           NOT NULL,
  "event_source"     TEXT           NOT NULL,
  "event_subject"    TEXT,
  "event_time"       TEXT           NOT NULL,
  "data"             JSONB          NOT NULL,
  "status"           TEXT           NOT NULL,
  "attempt_count"    INTEGER        NOT NULL DEFAULT 0,
  "next_attempt_at"  TIMESTAMPTZ(3),
  "retry_until"      TIMESTAMPTZ(3) NOT NULL,
  "last_attempt_at"  TIMESTAMPTZ(3),
  "last_status_code" INTEGER,
  "delivered_at"     TIMESTAMPTZ(3),
  "created_at"       TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "webhook_delivery_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "webhook_delivery_subscription_id_fkey" FOREIGN KEY ("subscription_id")
    REFERENCES "webhook_subscription" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- One delivery per event and subscription: a redelivered event adds nothing.
CREATE UNIQUE INDEX "webhook_delivery_subscription_id_event_id_key" ON "webhook_delivery" ("subscription_id", "event_id");
-- The delivery log lists a subscription's deliveries, newest first.
CREATE INDEX "webhook_delivery_subscription_id_created_at_idx" ON "webhook_delivery" ("subscription_id", "created_at" DESC);
-- The dispatcher takes due pending deliveries in order (not in schema.prisma: partial).
CREATE INDEX "webhook_delivery_due_idx" ON "webhook_delivery" ("next_attempt_at") WHERE "status" = 'pending';

-- Wakes the dispatcher on commit, so a new referral reaches its team's
-- endpoint within moments instead of a poll interval.
CREATE FUNCTION "webhook_delivery_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('webhook_delivery', '');
  RETURN NULL;
END;
$$;
CREATE TRIGGER "webhook_delivery_notify" AFTER INSERT ON "webhook_delivery" FOR EACH STATEMENT EXECUTE FUNCTION "webhook_delivery_notify"();

CREATE TABLE "webhook_attempt" (
  "id"               BIGSERIAL      NOT NULL,
  "delivery_id"      UUID           NOT NULL,
  "attempted_at"     TIMESTAMPTZ(3) NOT NULL,
  "duration_ms"      INTEGER        NOT NULL,
  "status_code"      INTEGER,
  "outcome"          TEXT           NOT NULL,
  "response_snippet" TEXT,
  CONSTRAINT "webhook_attempt_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "webhook_attempt_delivery_id_fkey" FOREIGN KEY ("delivery_id")
    REFERENCES "webhook_delivery" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "webhook_attempt_delivery_id_attempted_at_idx" ON "webhook_attempt" ("delivery_id", "attempted_at");
