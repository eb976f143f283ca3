-- Consent for feedback to the referrer, as its own column: the GP status view
-- and the GP's status webhooks read it (GDPR art. 9 purpose limitation).
ALTER TABLE "referral_request"
  ADD COLUMN "consent_feedback_to_referrer" BOOLEAN NOT NULL DEFAULT false;
UPDATE "referral_request"
  SET "consent_feedback_to_referrer" = 'feedback_to_referrer' = ANY ("consent_purposes");
ALTER TABLE "referral_request" ALTER COLUMN "consent_feedback_to_referrer" DROP DEFAULT;
