-- Attribution at the moment of a save: was it real, and what is it worth.
ALTER TABLE sessions ADD COLUMN attribution TEXT;
ALTER TABLE sessions ADD COLUMN mrr INTEGER;
ALTER TABLE sessions ADD COLUMN mrr_currency TEXT;
