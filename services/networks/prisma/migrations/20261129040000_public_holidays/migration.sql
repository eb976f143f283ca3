-- Issue 5 §4: a configurable list of public holidays per year, the Dutch
-- ones as default. One row per configured year, replaced as a whole by
-- PUT /v1/public-holidays/{year}; the router, transfers, the coordinator's
-- assignment and the simulation read it for every deadline they set.
CREATE TABLE "public_holiday_year" (
  "year" INTEGER NOT NULL,
  "holidays" JSONB NOT NULL,
  "updated_at" TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "public_holiday_year_pkey" PRIMARY KEY ("year")
);
