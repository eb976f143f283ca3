-- A rule's deadline may be in minutes (same-day work; trying expiry on staging) instead of working days.
ALTER TABLE "routing_rule" ADD COLUMN "deadline_minutes" INTEGER;
ALTER TABLE "routing_rule" ADD CONSTRAINT "routing_rule_deadline_minutes_check"
  CHECK ("deadline_minutes" IS NULL OR "deadline_minutes" BETWEEN 1 AND 10080);
