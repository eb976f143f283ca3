-- The map is read a page at a time by postcode, then row id (keyset); the
-- router's lookup by postcode uses the same index.
CREATE INDEX "postcode_range_postcode_id_idx" ON "postcode_range" ("postcode", "id");
DROP INDEX "postcode_range_postcode_idx";
