-- Whether the case waits in the municipality's coordinator queue (the router
-- found no team); its open signals then show `with_coordinator` to their
-- partners. A signal joining such a case takes the status from the case here,
-- in the database, so every intake path (single, batch, file chunk) gets it.
ALTER TABLE "household_case" ADD COLUMN "with_coordinator" BOOLEAN NOT NULL DEFAULT false;

CREATE FUNCTION signal_takes_case_routing_status() RETURNS trigger AS $$
BEGIN
  IF NEW.case_id IS NOT NULL AND NEW.feedback_status = 'in_progress'
     AND EXISTS (SELECT 1 FROM household_case WHERE id = NEW.case_id AND with_coordinator) THEN
    NEW.feedback_status := 'with_coordinator';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER signal_takes_case_routing_status
  BEFORE INSERT ON "signal"
  FOR EACH ROW EXECUTE FUNCTION signal_takes_case_routing_status();

ALTER TABLE "signal" DROP CONSTRAINT "signal_feedback_status_check";
ALTER TABLE "signal" ADD CONSTRAINT "signal_feedback_status_check"
  CHECK ("feedback_status" IN ('in_progress', 'with_coordinator', 'not_picked_up', 'repeat', 'unjustified', 'deceased', 'not_resident'));
