-- updated_at, kept true for every writer (the API, the POS, the sales tools, psql): moved to now()
-- by any update that changes the row. An update that changes nothing leaves it alone — a no-op
-- write is not news for an `updated_since` sync, nor for an event rendered from the row — and a
-- writer that sets updated_at itself (a parent touched by a change of its children) keeps its value.
-- `*=` compares the rows' stored images, so it needs no equality operator for any column type.
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.updated_at IS DISTINCT FROM OLD.updated_at OR NEW *= OLD THEN
    RETURN NEW;
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
