-- The delivery log no longer keeps any part of a receiver's response: an
-- endpoint that reached an internal service would have shown its answer to
-- the subscription's owner. What was kept goes.
UPDATE "webhook_attempt" SET "response_snippet" = NULL WHERE "response_snippet" IS NOT NULL;
