// GET /graphql: the GraphiQL page for a browser, outside the spec like /docs (POST /graphql is the
// operation). Its headers, that it names no other host and runs no inline script, that every
// asset it names is served (and nothing else from node_modules), and the 405 an API client gets
// when it GETs instead of POSTing. Plain supertest: these pages are not spec responses.
import request from 'supertest';
import { GRAPHQL_GET_MESSAGE } from '../../src/http/graphiql';
import { startHarness, type Harness } from '../helpers/harness';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

/** The CSP as a map: directive → its sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...sources]) => [name, sources]));
}

describe('GET /graphql: the GraphiQL page', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());
  const page = (path: string) => request(h.server).get(path).set('Accept', BROWSER_ACCEPT);

  it.each(['/graphql', '/graphql/'])('GET %s from a browser → the page, under a strict CSP, never cached', async (path) => {
    const res = await page(path).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers.vary).toMatch(/Accept/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const csp = directives(res.headers['content-security-policy']);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]); // no inline script, no eval, no other host
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]); // GraphiQL's dialogs inject a <style>
    expect(csp.get('connect-src')).toEqual(["'self'"]); // queries go to this server only
    expect(csp.get('font-src')).toEqual(['data:']);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(res.text).toContain('<div id="graphiql"></div>');
  });

  it('names no other host, has no inline script or style, and every asset it names is served', async () => {
    const html = (await page('/graphql').expect(200)).text;
    expect(html).not.toMatch(/https?:|\/\/[a-z0-9]/i);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBe(4);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\ssrc="\/graphql\//);
      expect(body.trim()).toBe('');
    }
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(urls).toEqual([
      '/graphql/assets/graphiql.min.css',
      '/graphql/page.css',
      '/graphql/assets/react.production.min.js',
      '/graphql/assets/react-dom.production.min.js',
      '/graphql/assets/graphiql.min.js',
      '/graphql/init.js',
    ]);
    for (const url of urls) {
      const res = await page(url).expect(200);
      expect(res.headers['content-type']).toMatch(url.endsWith('.css') ? /^text\/css/ : /^application\/javascript|^text\/javascript/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      // The pinned packages' files: an hour, then revalidated; our own two files: revalidated each load.
      expect(res.headers['cache-control']).toBe(url.startsWith('/graphql/assets/') ? 'public, max-age=3600' : 'public, max-age=0');
      expect(res.headers['last-modified']).toBeDefined();
    }
  });

  it('the assets load nothing from elsewhere: fonts and icons are data: URLs, and there is no eval', async () => {
    const css = (await page('/graphql/assets/graphiql.min.css').expect(200)).text;
    expect(css).not.toMatch(/@import/);
    const cssUrls = [...css.matchAll(/url\(\s*["']?([^"')\s]{0,12})/g)].map((m) => m[1]);
    expect(cssUrls.length).toBeGreaterThan(0);
    for (const u of cssUrls) expect(u).toMatch(/^data:/);
    for (const url of ['/graphql/assets/graphiql.min.js', '/graphql/assets/react.production.min.js', '/graphql/assets/react-dom.production.min.js', '/graphql/init.js']) {
      const js = (await page(url).expect(200)).text;
      expect(js).not.toMatch(/\beval\(|new Function\(/); // the CSP would refuse them (no 'unsafe-eval')
      expect(js).not.toMatch(/\bimportScripts\(|new Worker\(/);
    }
    // Our script posts to this server only, without cookies, and keeps nothing in localStorage.
    const init = (await page('/graphql/init.js').expect(200)).text;
    expect(init).toContain("window.fetch('/graphql'");
    expect(init).toContain("credentials: 'omit'");
    expect(init).toContain('storage: memoryStorage()');
    expect(init).not.toMatch(/localStorage\.|sessionStorage\.|document\.cookie/);
  });

  it('serves only the listed files: no other file of node_modules, no source map, no traversal', async () => {
    for (const path of [
      '/graphql/assets/package.json',
      '/graphql/assets/graphiql.min.js.map',
      '/graphql/assets/graphiql.js',
      '/graphql/assets/..%2Fpackage.json',
      '/graphql/assets/..%2F..%2Fpackage.json',
      '/graphql/index.html',
      '/graphql/assets/',
    ]) {
      const res = await page(path).expect(404);
      expect(res.body).toMatchObject({ success: false, code: 'NOT_FOUND', request_id: res.headers['x-request-id'] });
    }
  });

  it.each([
    ['Accept: application/json', 'application/json'],
    ['Accept: */* (curl)', '*/*'],
    ['JSON preferred over HTML', 'application/json, text/html;q=0.5'],
    ['no Accept', undefined],
  ])('GET /graphql from an API client (%s) → 405 METHOD_NOT_ALLOWED telling it to POST', async (_name, accept) => {
    const req = request(h.server).get('/graphql?query=%7B__typename%7D');
    if (accept) req.set('Accept', accept);
    else req.unset('Accept');
    const res = await req.expect(405);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers.allow).toBe('POST');
    expect(res.headers.vary).toMatch(/Accept/);
    expect(res.body).toEqual({ success: false, error: GRAPHQL_GET_MESSAGE, code: 'METHOD_NOT_ALLOWED', request_id: res.headers['x-request-id'] });
    expect(res.body.error).toContain('POST /graphql');
  });

  it('HEAD /graphql answers like GET: the page headers for a browser, the 405 for an API client', async () => {
    const browser = await request(h.server).head('/graphql').set('Accept', BROWSER_ACCEPT).expect(200);
    expect(browser.headers['content-type']).toMatch(/^text\/html/);
    expect(browser.headers['content-security-policy']).toContain("default-src 'none'");
    const client = await request(h.server).head('/graphql').set('Accept', 'application/json').expect(405);
    expect(client.headers.allow).toBe('POST');
  });
});
