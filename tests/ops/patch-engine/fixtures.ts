// Target schemas for the engine's tests, built with generate_series (100,000 rows in well under a second).
export const ITEMS_SQL = (rows: number) => `
  CREATE SCHEMA shop;
  CREATE TABLE shop.items (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    price numeric(12, 2) NOT NULL CHECK (price >= 0),
    qty integer,
    ratio double precision,
    tags text[],
    meta jsonb,
    created_at timestamptz NOT NULL,
    note text
  );
  INSERT INTO shop.items
  SELECT g, 'item ' || g, (g % 1000) + 0.25, g % 7, g / 3.0, ARRAY['t' || (g % 5)], jsonb_build_object('g', g, 'big', 12345678901234567890.123456789),
         timestamptz '2024-01-01 00:00:00.123456+00' + g * interval '1 second', CASE WHEN g % 2 = 0 THEN NULL ELSE 'odd' END
    FROM generate_series(1, ${rows}) g;
  ANALYZE shop.items;
`;
