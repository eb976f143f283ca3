-- "Same person where known": a signal joins the open case of the same person
-- (family name and date of birth, normalised) when its own address has none.

ALTER TABLE "signal" ADD COLUMN "person_key" TEXT;
CREATE INDEX "signal_person_key_idx" ON "signal" ("person_key", "received_at") WHERE "person_key" IS NOT NULL;
