-- A GP practice receives by webhook only GpReferralStatusChanged (purpose
-- limitation): the status last announced per request, so a change is
-- announced once. Goes with the request when retention deletes it.
CREATE TABLE "webhook_gp_status" (
  "request_id" UUID           NOT NULL,
  "status"     TEXT           NOT NULL,
  "outcome"    TEXT,
  "changed_at" TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "webhook_gp_status_pkey" PRIMARY KEY ("request_id"),
  CONSTRAINT "webhook_gp_status_request_id_fkey" FOREIGN KEY ("request_id")
    REFERENCES "referral_request" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Team-internal events (which team declined and why, routing explanations,
-- contact details) queued for practices before this change are not sent, and
-- leave the practices' delivery logs.
DELETE FROM "webhook_delivery" d
  USING "webhook_subscription" s
  WHERE s."id" = d."subscription_id"
    AND s."owner_kind" = 'gp'
    AND d."event_type" <> 'nl.vangnet.referrals.GpReferralStatusChanged.v1';

-- A practice's filter named team events it no longer receives: it now gets its status events.
UPDATE "webhook_subscription" SET "event_types" = '{}' WHERE "owner_kind" = 'gp';
