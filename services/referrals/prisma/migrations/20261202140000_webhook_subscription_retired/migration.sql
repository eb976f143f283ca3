-- A receiver that answers 410 Gone says the endpoint is gone for good: the
-- subscription is retired (kept, so its owner sees why deliveries stopped)
-- and gets no deliveries any more. Nullable and additive: the previous
-- release keeps working against this schema.
ALTER TABLE "webhook_subscription" ADD COLUMN "retired_at" TIMESTAMPTZ(3);
ALTER TABLE "webhook_subscription" ADD COLUMN "retired_status_code" INTEGER;
