-- File delivery: a partner's CSV export, staged row by row before the 202 and
-- then taken in by a background job, chunk by chunk, resumable after a restart.

CREATE TABLE "signal_file" (
  "id"              UUID           NOT NULL,
  "partner_id"      TEXT           NOT NULL,
  "partner_kind"    TEXT           NOT NULL,
  "idempotency_key" TEXT,
  "request_hash"    TEXT,
  "status"          TEXT           NOT NULL,
  "separator"       TEXT           NOT NULL,
  "columns"         TEXT[],
  "rows_read"       INTEGER        NOT NULL DEFAULT 0,
  "rows_processed"  INTEGER        NOT NULL DEFAULT 0,
  "accepted"        INTEGER        NOT NULL DEFAULT 0,
  "rejected"        INTEGER        NOT NULL DEFAULT 0,
  "duplicates"      INTEGER        NOT NULL DEFAULT 0,
  "trace"           JSONB          NOT NULL DEFAULT '{}',
  "lease_owner"     UUID,
  "lease_until"     TIMESTAMPTZ(3),
  "received_at"     TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "completed_at"    TIMESTAMPTZ(3),
  CONSTRAINT "signal_file_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "signal_file_status_check" CHECK ("status" IN ('queued', 'processing', 'completed')),
  -- Prisma reads a list column as nullable; the check keeps it filled all the same.
  CONSTRAINT "signal_file_columns_check" CHECK ("columns" IS NOT NULL)
);
-- One delivery per partner and Idempotency-Key (deliveries without a key are never equal).
CREATE UNIQUE INDEX "signal_file_partner_id_idempotency_key_key" ON "signal_file" ("partner_id", "idempotency_key");
-- The job picks the oldest delivery not yet completed.
CREATE INDEX "signal_file_pending_idx" ON "signal_file" ("received_at") WHERE "status" <> 'completed';

-- The raw rows, durable before the 202; each is deleted in the transaction that takes it in.
CREATE TABLE "signal_file_row" (
  "file_id"    UUID    NOT NULL,
  "row_number" INTEGER NOT NULL,
  "fields"     JSONB   NOT NULL,
  CONSTRAINT "signal_file_row_pkey" PRIMARY KEY ("file_id", "row_number"),
  CONSTRAINT "signal_file_row_file_id_fkey" FOREIGN KEY ("file_id") REFERENCES "signal_file" ("id")
    ON DELETE CASCADE ON UPDATE CASCADE
);

-- Why a row was refused: codes and column names, never the row's values.
CREATE TABLE "signal_file_error" (
  "file_id"    UUID    NOT NULL,
  "row_number" INTEGER NOT NULL,
  "code"       TEXT    NOT NULL,
  "detail"     TEXT,
  "errors"     JSONB   NOT NULL,
  CONSTRAINT "signal_file_error_pkey" PRIMARY KEY ("file_id", "row_number"),
  CONSTRAINT "signal_file_error_file_id_fkey" FOREIGN KEY ("file_id") REFERENCES "signal_file" ("id")
    ON DELETE CASCADE ON UPDATE CASCADE
);
