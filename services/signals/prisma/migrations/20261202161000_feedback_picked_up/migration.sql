-- Creditors learn `picked_up` where the household was helped or is in a
-- trajectory (shared/DOMAIN.md "Feedback to creditors", corrected): those
-- results showed as `not_picked_up` before, which told a landlord to go on
-- collecting from a household that was being helped.
ALTER TABLE "signal" DROP CONSTRAINT "signal_feedback_status_check";
ALTER TABLE "signal"
  ADD CONSTRAINT "signal_feedback_status_check"
    CHECK ("feedback_status" IN ('in_progress', 'with_coordinator', 'picked_up', 'not_picked_up', 'repeat',
                                 'unjustified', 'deceased', 'not_resident'));

UPDATE "signal" SET "feedback_status" = 'picked_up'
 WHERE "closing_result" IN ('quick_fix', 'follow_up_financial', 'follow_up_non_financial', 'known_to_debt_help',
                            'other_trajectory', 'referred_without_contact');
