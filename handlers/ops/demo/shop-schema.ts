// The ops demo's target database: a small online shop, so a newcomer has a realistic database to
// introspect (and later patch, seed, anonymise) in the first minute. Every object kind the
// introspection covers is here: an enum, a sequence, tables with identity, defaults, checks,
// unique and foreign keys, indexes (one on an expression, one partial), a view, a function and a
// trigger. The data is deterministic (arithmetic on generate_series, no random()); dates are
// placed relative to the day it runs. Runs once, in one transaction, on the empty demo database.

export const SHOP_SCHEMA_SQL = `
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded');

-- Invoice numbers are gapless-looking and start high, as accounting likes them.
CREATE SEQUENCE invoice_number_seq START 10001;

CREATE TABLE customers (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email             text NOT NULL UNIQUE CHECK (position('@' IN email) > 1),
  first_name        text NOT NULL,
  last_name         text NOT NULL,
  phone             text,
  country           char(2) NOT NULL DEFAULT 'BE',
  marketing_opt_in  boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE customers IS 'People who bought at least once, or have an account.';
CREATE INDEX customers_last_name_idx ON customers (lower(last_name), lower(first_name));

CREATE TABLE products (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku          text NOT NULL UNIQUE,
  name         text NOT NULL,
  category     text NOT NULL,
  price_cents  integer NOT NULL CHECK (price_cents >= 0),
  stock        integer NOT NULL DEFAULT 0 CHECK (stock >= 0),
  active       boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_active_category_idx ON products (category) WHERE active;

CREATE TABLE orders (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id     bigint NOT NULL REFERENCES customers (id),
  status          order_status NOT NULL DEFAULT 'pending',
  invoice_number  bigint UNIQUE,
  total_cents     integer NOT NULL DEFAULT 0 CHECK (total_cents >= 0),
  shipping_city   text NOT NULL,
  placed_at       timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_placed_idx ON orders (customer_id, placed_at DESC);
CREATE INDEX orders_status_idx ON orders (status);

CREATE TABLE order_items (
  order_id          bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no           smallint NOT NULL CHECK (line_no >= 1),
  product_id        bigint NOT NULL REFERENCES products (id),
  quantity          integer NOT NULL CHECK (quantity > 0),
  unit_price_cents  integer NOT NULL CHECK (unit_price_cents >= 0),
  PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_items_product_idx ON order_items (product_id);

CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
CREATE TRIGGER orders_touch_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE VIEW customer_lifetime_value AS
  SELECT c.id AS customer_id, c.email, count(o.id) AS orders, coalesce(sum(o.total_cents), 0) AS total_cents,
         max(o.placed_at) AS last_order_at
    FROM customers c
    LEFT JOIN orders o ON o.customer_id = c.id AND o.status NOT IN ('cancelled', 'refunded')
   GROUP BY c.id, c.email;

-- ---------------------------------------------------------------- data
-- 1,000 customers, 48 products, 3,000 orders, about 6,000 order lines.
INSERT INTO customers (email, first_name, last_name, phone, country, marketing_opt_in, created_at)
SELECT lower(f.name || '.' || l.name || i) || '@example.com', f.name, l.name,
       CASE WHEN i % 4 = 0 THEN NULL ELSE '+32 4' || lpad(((i * 7919) % 100000000)::text, 8, '0') END,
       (ARRAY['BE', 'BE', 'BE', 'FR', 'NL', 'LU', 'DE'])[1 + i % 7],
       i % 3 = 0,
       date_trunc('day', now()) - make_interval(days => 400 - (i * 37) % 400, mins => (i * 53) % 1440)
  FROM generate_series(1, 1000) AS i
  CROSS JOIN LATERAL (SELECT (ARRAY['Julie', 'Marc', 'Emma', 'Lucas', 'Chloé', 'Noah', 'Léa', 'Louis', 'Sarah', 'Arthur', 'Inès', 'Jules', 'Nora', 'Victor', 'Zoé', 'Hugo'])[1 + i % 16] AS name) f
  CROSS JOIN LATERAL (SELECT (ARRAY['Martin', 'Dubois', 'Lambert', 'Dupont', 'Claes', 'Jacobs', 'Willems', 'Mertens', 'Wouters', 'Goossens', 'Leroy', 'Renard', 'Peeters', 'Janssens'])[1 + (i / 16) % 14] AS name) l;

INSERT INTO products (sku, name, category, price_cents, stock, active, created_at)
SELECT 'SKU-' || lpad(i::text, 4, '0'),
       (ARRAY['Organic', 'Classic', 'Premium', 'Everyday', 'Artisan', 'Smoky', 'Wild', 'Roasted'])[1 + i % 8] || ' ' ||
       (ARRAY['coffee beans 1 kg', 'green tea 100 g', 'dark chocolate bar', 'olive oil 500 ml', 'honey 250 g', 'granola 750 g'])[1 + i % 6],
       (ARRAY['coffee', 'tea', 'chocolate', 'pantry', 'pantry', 'breakfast'])[1 + i % 6],
       299 + (i * 137) % 2500,
       (i * 31) % 200,
       i % 12 <> 0,
       date_trunc('day', now()) - make_interval(days => 500 - i)
  FROM generate_series(1, 48) AS i;

INSERT INTO orders (customer_id, status, shipping_city, placed_at, updated_at)
SELECT 1 + (i * 7919) % 1000,
       (ARRAY['delivered', 'delivered', 'delivered', 'shipped', 'paid', 'pending', 'cancelled', 'refunded', 'delivered', 'delivered'])[1 + i % 10]::order_status,
       (ARRAY['Brussels', 'Antwerp', 'Ghent', 'Liège', 'Namur', 'Leuven', 'Lille', 'Maastricht'])[1 + (i * 13) % 8],
       date_trunc('day', now()) - make_interval(days => 365 - (i * 365) / 3000, mins => (i * 97) % 1440),
       date_trunc('day', now()) - make_interval(days => 365 - (i * 365) / 3000)
  FROM generate_series(1, 3000) AS i;

INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price_cents)
SELECT o.id, n, p.id, 1 + (o.id * n) % 3, p.price_cents
  FROM orders o
  CROSS JOIN LATERAL generate_series(1, 1 + (o.id % 3)::int) AS n
  JOIN products p ON p.id = 1 + (o.id * 7 + n * 11) % 48;

-- Totals and invoice numbers as the shop's back office would have written them (without the
-- trigger, which would stamp every order with today).
ALTER TABLE orders DISABLE TRIGGER orders_touch_updated_at;
UPDATE orders o SET total_cents = t.total
  FROM (SELECT order_id, sum(quantity * unit_price_cents)::int AS total FROM order_items GROUP BY order_id) t
 WHERE t.order_id = o.id;
UPDATE orders o SET invoice_number = 10000 + r.n
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM orders WHERE status IN ('paid', 'shipped', 'delivered', 'refunded')) r
 WHERE r.id = o.id;
ALTER TABLE orders ENABLE TRIGGER orders_touch_updated_at;
SELECT setval('invoice_number_seq', (SELECT max(invoice_number) FROM orders));
ANALYZE;
`;
