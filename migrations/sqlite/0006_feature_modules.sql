-- The account's license: the feature modules turned off (DECISIONS.md, "Features per
-- account"). Names separated by spaces; empty means every module is on.
ALTER TABLE accounts ADD COLUMN disabled_modules TEXT NOT NULL DEFAULT '';
