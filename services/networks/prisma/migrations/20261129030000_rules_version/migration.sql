-- The router keeps each municipality's rule list in memory (thousands of
-- rules per decision are too many to read every time) and asks only for
-- this version per decision. Any change of a municipality's rules, by
-- whatever code path (a new list, a rule switched off when its team goes
-- inactive), gives it a new version in the same transaction, by trigger so
-- no writer can forget it. A random value rather than a counter: two
-- databases (two test files, a bench) in one process never share a version.

ALTER TABLE "municipality" ADD COLUMN "rules_version" UUID NOT NULL DEFAULT gen_random_uuid();

CREATE FUNCTION "routing_rule_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "municipality" SET "rules_version" = gen_random_uuid()
   WHERE "code" IN (SELECT DISTINCT "municipality_code" FROM "changed");
  RETURN NULL;
END;
$$;
CREATE TRIGGER "routing_rule_inserted" AFTER INSERT ON "routing_rule"
  REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "routing_rule_changed"();
CREATE TRIGGER "routing_rule_updated" AFTER UPDATE ON "routing_rule"
  REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "routing_rule_changed"();
CREATE TRIGGER "routing_rule_deleted" AFTER DELETE ON "routing_rule"
  REFERENCING OLD TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "routing_rule_changed"();
