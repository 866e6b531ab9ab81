// GraphiQL at GET /graphql, served outside the spec like /docs: POST /graphql is the operation.
// GraphiQL's own UMD build and React's are served from node_modules, by an explicit list (no
// directory is exposed), under a CSP with no other origin, no inline script, no eval, no worker.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express, { type Response, type Router } from 'express';
import { ApiError } from '../errors';
import { repoRoot } from '../paths';

export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // GraphiQL's dialogs (Radix) inject a <style> element to lock scrolling. Inline style only, as
  // /docs allows: script stays 'self' alone, so no injected markup can run code.
  "style-src 'self' 'unsafe-inline'",
  // GraphiQL's stylesheet embeds its fonts and a few icons as data: URLs.
  "font-src data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const moduleDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** URL name under /graphql/assets/ → file. The versions are pinned in package.json. */
function assetFiles(): Map<string, string> {
  return new Map([
    ['graphiql.min.js', join(moduleDir('graphiql'), 'graphiql.min.js')],
    ['graphiql.min.css', join(moduleDir('graphiql'), 'graphiql.min.css')],
    ['react.production.min.js', join(moduleDir('react'), 'umd', 'react.production.min.js')],
    ['react-dom.production.min.js', join(moduleDir('react-dom'), 'umd', 'react-dom.production.min.js')],
  ]);
}

function secure(res: Response): void {
  res.set({
    'Content-Security-Policy': GRAPHIQL_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
}

/** Browsers list text/html in Accept; an API client (`*\/*`, JSON, no Accept) is told to POST. */
const wantsPage = (req: express.Request) => req.accepts(['application/json', 'text/html']) === 'text/html';

export const GRAPHQL_GET_MESSAGE =
  'GraphQL queries are sent with POST /graphql (a JSON body: query, variables, operationName). GET /graphql is the GraphiQL page, for a browser (Accept: text/html).';

export function graphiqlRouter(): Router {
  const dir = join(repoRoot, 'src', 'graphiql');
  const index = readFileSync(join(dir, 'index.html'));
  const assets = assetFiles();
  const router = express.Router();

  router.get(['/graphql', '/graphql/'], (req, res, next) => {
    // Same status and Allow as the pipeline gives any other method on /graphql.
    if (!wantsPage(req)) return next(new ApiError('METHOD_NOT_ALLOWED', GRAPHQL_GET_MESSAGE, { headers: { Allow: 'POST', Vary: 'Accept' } }));
    secure(res);
    // Tiny and never cached: a deploy (new asset versions) is picked up at the next load.
    res.type('html').set({ 'Cache-Control': 'no-cache', Vary: 'Accept' }).send(index);
  });
  for (const name of ['init.js', 'page.css']) {
    router.get(`/graphql/${name}`, (_req, res) => {
      secure(res);
      res.sendFile(join(dir, name), { cacheControl: true, maxAge: 0 });
    });
  }
  router.get('/graphql/assets/:name', (req, res, next) => {
    const file = assets.get(req.params.name);
    if (!file) return next(); // the pipeline's 404 envelope
    secure(res);
    // Revalidated after an hour (ETag / Last-Modified): the same files until the pinned versions change.
    res.sendFile(file, { maxAge: '1h' });
  });
  return router;
}
