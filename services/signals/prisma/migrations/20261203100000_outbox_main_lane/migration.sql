-- The relay publishes the main topics' rows first (packages/messaging/src/relay.ts):
-- a crisis must not wait while a file's 100,000 rows on a bulk lane go out. The
-- predicate is the relay's, letter for letter, so the planner reads those rows
-- here instead of walking past every unsent bulk row. Lane topics carry
-- `.bulk.` in their name (bulkLane in packages/contracts/src/topics.ts).
CREATE INDEX "outbox_unsent_main_idx" ON "outbox" ("position") WHERE "sent_at" IS NULL AND "topic" NOT LIKE '%.bulk.%';
