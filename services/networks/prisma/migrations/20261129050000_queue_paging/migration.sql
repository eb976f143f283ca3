-- The coordinator queue is read a page at a time in (queued_at, id) order per municipality.
CREATE INDEX "coordinator_queue_item_municipality_code_queued_at_id_idx"
  ON "coordinator_queue_item" ("municipality_code", "queued_at", "id");
