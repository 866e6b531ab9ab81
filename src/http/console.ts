// The owner's web console (Settings → API), served outside the spec like /docs. A static,
// dependency-free front end (src/console: HTML, CSS, ES modules, no build step) that talks only
// to the public API with the session cookie and the CSRF token. Every asset is local, and the
// CSP allows no inline script or style and no other origin.
import { join } from 'node:path';
import express, { type Response, type Router } from 'express';
import { repoRoot } from '../paths';

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function secure(res: Response): void {
  res.set({
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
}

export function consoleRouter(): Router {
  const dir = join(repoRoot, 'src', 'console');
  const router = express.Router();
  router.get(['/console', '/console/'], (_req, res) => {
    secure(res);
    // The page is tiny; never cached, so a deploy is picked up at the next load.
    res.set('Cache-Control', 'no-store').sendFile(join(dir, 'index.html'));
  });
  router.use(
    '/console/assets',
    express.static(join(dir, 'assets'), {
      index: false,
      redirect: false,
      fallthrough: true,
      // Revalidated with the ETag at each load: small files, always the deployed version.
      cacheControl: true,
      maxAge: 0,
      setHeaders: (res) => secure(res),
    }),
  );
  return router;
}
