-- The intake engine's read step (src/features/receive-signal/intake.ts): one
-- call per chunk takes the household and person locks, locks the open cases
-- the chunk may join, and returns what the pure decision needs, instead of a
-- round trip for each. A function rather than one statement because each of
-- its statements takes a fresh snapshot (READ COMMITTED): the reads after the
-- locks see what the transaction that held them committed.
--
-- Every lookup probes an index once per key: a LATERAL subquery per unnested
-- key, fenced with OFFSET 0 (or LIMIT) so the planner cannot flatten it into
-- a join. A file job adds 100,000 rows in a minute, faster than autovacuum
-- analyzes; with the statistics of the smaller table the planner took a join
-- on `= ANY(keys)` for a hash of all the partner's signals and all open
-- cases, and a chunk's read grew with the table, from 6 ms to a second.
CREATE FUNCTION signal_intake_read(
  p_partner    TEXT,
  p_references TEXT[],
  p_keys       TEXT[],
  p_people     TEXT[],
  -- The chunk's (type, household) pairs, element by element: the repeat rule's lookups.
  p_pair_types TEXT[],
  p_pair_keys  TEXT[],
  p_cutoff     TIMESTAMPTZ
) RETURNS JSONB LANGUAGE plpgsql VOLATILE
  -- A plan per call, as statements sent by the client get: a cached generic
  -- plan cannot see how many keys a chunk has.
  SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
  candidates UUID[];
  locked     UUID[];
BEGIN
  -- One sorted pass, so two chunks locking many keys never deadlock. 7362 is
  -- the household namespace, apart from the relay's and migrator's locks.
  PERFORM pg_advisory_xact_lock(7362, h)
     FROM (SELECT DISTINCT hashtext(k) AS h
             FROM unnest(p_keys || ARRAY(SELECT 'person:' || p FROM unnest(p_people) AS p)) AS k
            ORDER BY 1) AS sorted;

  -- The open cases the chunk may join: the households' own, and those of its
  -- people (with a signal of theirs in the matching period), in id order.
  SELECT coalesce(array_agg(DISTINCT id ORDER BY id), '{}') INTO candidates
    FROM (SELECT found.id
            FROM unnest(p_keys) AS k (key)
           CROSS JOIN LATERAL (SELECT id FROM household_case
                                WHERE status = 'open' AND household_key = k.key OFFSET 0) AS found
          UNION ALL
          SELECT found.case_id
            FROM unnest(p_people) AS p (person)
           CROSS JOIN LATERAL (SELECT case_id FROM signal
                                WHERE person_key = p.person AND case_id IS NOT NULL AND received_at >= p_cutoff
                                OFFSET 0) AS found) AS candidate;

  -- Row locks in id order. A case that referral feedback is closing right now
  -- is waited for here, then no longer matches (closed): no signal joins a
  -- case that just closed.
  SELECT coalesce(array_agg(found.id), '{}') INTO locked
    FROM unnest(candidates) AS x (id)
   CROSS JOIN LATERAL (SELECT c.id FROM household_case c
                        WHERE c.id = x.id AND c.status = 'open' AND c.last_signal_at >= p_cutoff
                        FOR UPDATE) AS found;

  RETURN jsonb_build_object(
    'known', (SELECT coalesce(jsonb_agg(used.reference), '[]'::jsonb)
                FROM unnest(p_references) AS wanted (reference)
               CROSS JOIN LATERAL (SELECT reference FROM signal
                                    WHERE partner_id = p_partner AND reference = wanted.reference
                                    OFFSET 0) AS used),
    'previous', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                          'type', pair.type, 'householdKey', pair.key, 'arrearsCents', latest.arrears_cents)), '[]'::jsonb)
                   FROM unnest(p_pair_types, p_pair_keys) AS pair (type, key)
                  CROSS JOIN LATERAL (SELECT arrears_cents FROM signal
                                       WHERE partner_id = p_partner AND type = pair.type
                                         AND household_key = pair.key AND received_at >= p_cutoff
                                       ORDER BY received_at DESC LIMIT 1) AS latest),
    'openCases', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                           'id', c.id, 'householdKey', c.household_key,
                           'people', CASE WHEN cardinality(p_people) = 0 THEN '[]'::jsonb ELSE
                                       (SELECT coalesce(jsonb_agg(DISTINCT s.person_key), '[]'::jsonb) FROM signal s
                                         WHERE s.case_id = c.id AND s.person_key = ANY(p_people)
                                           AND s.received_at >= p_cutoff) END)
                           ORDER BY c.last_signal_at DESC), '[]'::jsonb)
                    FROM unnest(locked) AS x (id)
                   CROSS JOIN LATERAL (SELECT id, household_key, last_signal_at FROM household_case
                                        WHERE id = x.id OFFSET 0) AS c));
END $$;
