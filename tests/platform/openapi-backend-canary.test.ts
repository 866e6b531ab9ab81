// openapi-backend is pinned to one exact version because src/openapi/backend.ts replaces parts of
// its router on the instance (matching, request parsing, the operation list). This canary fails
// loudly if an upgrade stops calling what we replaced, or starts calling the stock code instead.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenAPIRouter } from 'openapi-backend';
import { accessPolicies, handlers, requestCosts } from '../../handlers';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createPool } from '../../src/db/pool';

const root = join(__dirname, '../..');

describe('openapi-backend, whose router internals we replace', () => {
  it('is pinned to the exact version installed (no range: an upgrade is a deliberate edit that runs this canary)', () => {
    const wanted = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies['openapi-backend'];
    expect(wanted).toMatch(/^\d+\.\d+\.\d+$/);
    expect(JSON.parse(readFileSync(join(root, 'node_modules/openapi-backend/package.json'), 'utf8')).version).toBe(wanted);
  });

  it('routes, parses and validates a request through our replacements only, never the stock router', async () => {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    // No query reaches the database: the request fails validation before any handler runs.
    const log = createLogger('silent');
    const pool = createPool(config, 'postgres://postgres@127.0.0.1:1/none', log);
    const { api } = await createApp({ config, pool, log, handlers, policies: accessPolicies, requestCosts });
    const stock = (['matchOperation', 'parseRequest', 'getOperations', 'getOperation'] as const).map((m) => jest.spyOn(OpenAPIRouter.prototype, m));
    const ours = { match: jest.spyOn(api.router, 'matchOperation'), parse: jest.spyOn(api.router, 'parseRequest') };
    const ctx = { responseHeaders: {}, principal: null };

    await expect(
      api.handleRequest({ method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, query: {}, body: { email: 1 } }, ctx),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(ours.match).toHaveBeenCalled();
    expect(ours.parse).toHaveBeenCalled();
    for (const spy of stock) expect(spy).not.toHaveBeenCalled();
    await pool.end();
  });
});
