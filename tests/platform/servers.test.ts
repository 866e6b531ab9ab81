// The spec names its server relative to itself (`/`): a client generated from the document it
// fetched calls the address it fetched it from — not a localhost or placeholder host baked in.
import request from 'supertest';
import YAML from 'yaml';
import { startHarness, type Harness } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

it.each(['/openapi.json', '/openapi.yaml'])('%s: every server resolves to the address that served it', async (path) => {
  const res = await request(h.server).get(path).expect(200);
  const spec = path.endsWith('.json') ? JSON.parse(res.text) : YAML.parse(res.text);
  // OpenAPI: a relative server URL is resolved against the document's own URL.
  const resolved = (spec.servers as { url: string }[]).map((s) => new URL(s.url, `${h.baseUrl}${path}`).href);
  expect(resolved).toEqual([`${h.baseUrl}/`]);
});
