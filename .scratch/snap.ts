import pg from 'pg';
import { takeSnapshot } from '../handlers/ops/introspection/snapshot';
(async () => {
  const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/intro_scratch' });
  await c.connect();
  const s = await takeSnapshot(c);
  console.log(JSON.stringify(s, null, 1));
  await c.end();
})();
