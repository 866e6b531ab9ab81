// Served outside the spec: the bundled spec as JSON and YAML, and Swagger UI from local assets.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express, { type Router } from 'express';
import YAML from 'yaml';
import { repoRoot } from '../paths';

/** Seed 000 sends users to /api/docs: the same page is served there (its assets and spec have absolute URLs). */
export const API_DOCS_PATHS: ReadonlySet<string> = new Set(['/api/docs', '/api/docs/']);

const DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'";

export function docsRouter(spec: object): Router {
  const json = JSON.stringify(spec);
  let yaml: string | undefined; // made on first request: stringifying costs ~150 ms of start-up
  // The assets' folder, without requiring swagger-ui-dist's index (it loads the whole UI bundle).
  const assets = dirname(require.resolve('swagger-ui-dist/package.json'));
  const docsDir = join(repoRoot, 'src', 'docs');
  const index = readFileSync(join(docsDir, 'index.html'));
  const router = express.Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').set('Cache-Control', 'no-cache').send(json);
  });
  router.get('/openapi.yaml', (_req, res) => {
    res.type('application/yaml').set('Cache-Control', 'no-cache').send((yaml ??= YAML.stringify(spec)));
  });
  router.get(['/docs', '/docs/', ...API_DOCS_PATHS], (_req, res) => {
    res.type('html').set('Content-Security-Policy', DOCS_CSP).send(index);
  });
  router.get('/docs/init.js', (_req, res) => res.sendFile(join(docsDir, 'init.js')));
  router.use('/docs/assets', express.static(assets, { index: false, maxAge: '1h' }));
  return router;
}
