-- The intake engine's one write statement now takes `with_coordinator` from
-- the joined case itself (FEEDBACK_STATUS in
-- src/features/receive-signal/intake.ts): every intake path writes signals
-- through it, and a set-based join costs a file chunk a fraction of a
-- plpgsql call and a lookup per row.
DROP TRIGGER signal_takes_case_routing_status ON "signal";
DROP FUNCTION signal_takes_case_routing_status();
