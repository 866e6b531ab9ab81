// Seed 000 sends integrators to /api/docs for the clickable Swagger UI (issue 12): it is served there
// as at /docs, with every asset and the spec the page loads; other unknown /api paths keep the 404
// envelope. The pages are outside the spec, so they are fetched with plain supertest (the harness's
// client checks API responses against the spec).
import request from 'supertest';
import { startHarness, type Harness } from '../helpers/harness';

describe('the documented docs addresses', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());
  const page = (path: string) => request(h.server).get(path);

  it.each(['/api/docs', '/api/docs/', '/docs'])('GET %s → the Swagger UI page, with its CSP', async (path) => {
    const res = await page(path).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text).toContain('<div id="swagger-ui"></div>');
  });

  it('every script and stylesheet the page names is served, and so is the spec its script loads', async () => {
    const html = (await page('/api/docs').expect(200)).text;
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets).toEqual(expect.arrayContaining(['/docs/init.js', '/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css']));
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true); // absolute: the same from /docs and /api/docs
      await page(asset).expect(200);
    }
    const init = (await page('/docs/init.js').expect(200)).text;
    const specUrls = [...init.matchAll(/['"`](\/openapi\.(?:json|yaml))['"`]/g)].map((m) => m[1]);
    expect(specUrls).toContain('/openapi.json');
    for (const url of specUrls) {
      const spec = await page(url).expect(200);
      expect(spec.text).toMatch(/openapi['"]?:\s*['"]?3\.1/);
    }
  });

  it('other paths under /api/ still answer the 404 envelope', async () => {
    for (const path of ['/api/docs/init.js', '/api/docs/assets/swagger-ui.css', '/api/doc', '/api/openapi.json']) {
      const res = await h.api.get(path).expect(404);
      expect(res.body).toMatchObject({ success: false, code: 'NOT_FOUND', request_id: res.headers['x-request-id'] });
    }
    const post = await h.api.post('/api/docs').send({}).expect(404);
    expect(post.body).toMatchObject({ success: false, code: 'NOT_FOUND' });
  });
});
