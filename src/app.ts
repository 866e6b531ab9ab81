// express + openapi-backend: request id and logging, docs, body rules, then the spec-driven
// pipeline (route → security → validation → handler), then one error renderer.
import { readFileSync } from 'node:fs';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Document } from 'openapi-backend';
import type { AccessPolicy } from './auth/authenticate';
import type { Config } from './config';
import type { Pool } from './db/pool';
import { ApiError, errorBody, toApiError } from './errors';
import { RawJson, type Ctx, type HandlerMap, type HttpResult } from './handler';
import { bodyGuard, bodyParserError, jsonBody } from './http/body';
import { consoleRouter } from './http/console';
import { cors, corsPolicyFromSpec } from './http/cors';
import { API_DOCS_PATHS, docsRouter } from './http/docs';
import { graphiqlRouter } from './http/graphiql';
import { accessLog } from './http/access-log';
import { createMetrics } from './http/metrics';
import { requestId } from './http/request-id';
import { timedPool } from './http/server-timing';
import { refuseLoneSurrogates, refuseProtoQuery } from './http/unstorable';
import type { Logger } from './logger';
import type { RequestCost } from './module';
import { createBackend } from './openapi/backend';
import { bundledSpecPath } from './paths';

export interface AppDeps {
  config: Config;
  pool: Pool;
  log: Logger;
  clock?: () => Date;
  /** The modules' wiring, from the entry point (handlers/index.ts): plumbing never imports handlers/. */
  handlers: HandlerMap;
  policies: readonly AccessPolicy[];
  /** The modules' per-request prices (handlers/index.ts requestCosts). */
  requestCosts: readonly RequestCost[];
}

let cachedSpec: Document | undefined;
export function loadSpec(): Document {
  return (cachedSpec ??= JSON.parse(readFileSync(bundledSpecPath, 'utf8')) as Document);
}

export async function createApp(deps: AppDeps) {
  const { config, pool, log } = deps;
  const clock = deps.clock ?? (() => new Date());
  // openapi-backend dereferences the document in place: give it its own copy.
  const api = await createBackend({
    spec: structuredClone(loadSpec()),
    config,
    handlers: deps.handlers,
    policies: deps.policies,
    requestCosts: deps.requestCosts,
    validateResponses: config.validateResponses,
    onResponseMismatch: (ctx, operationId, status, errors) =>
      ctx.log.error({ operationId, status, errors }, 'response does not match the spec'),
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxyHops);
  // Express 5 default; stated because duplicated parameters (?limit=1&limit=2) must reach validation as arrays.
  app.set('query parser', 'simple');
  // No ETag: hashing every body costs CPU on each request, and a 304 would still cost the query.
  app.set('etag', false);

  const metrics = createMetrics(pool, config.metricsToken);
  // Requests the API pipeline saw (it sets res.locals.ctx) are counted, by operation and status.
  const observe = (res: Response, seconds: number) => {
    const ctx = res.locals.ctx as Ctx | undefined;
    if (ctx) metrics.observe(ctx.operationId ?? 'unmatched', res.statusCode, seconds);
  };
  app.use(requestId, accessLog(app, log, observe));

  app.get('/metrics', metrics.handler);
  // Found by tests/fuzz: `?__proto__=` vanished instead of being refused like other unknown names;
  // a lone surrogate in a JSON string cannot be stored (refused like malformed JSON).
  const bodyChain = [bodyGuard, jsonBody, refuseLoneSurrogates];
  // Most API calls are GETs without a body: they skip the three body steps (same outcome, less work).
  const body: Middleware = (req, res, next) => (sendsBody(req) ? runChain(bodyChain, req, res, next) : next());
  const apiChain = [body, refuseProtoQuery];

  const apiHandler = async (req: Request, res: Response, next: NextFunction) => {
    // Server-Timing (development): database time vs total, counted by a wrapped pool.
    const timing = config.serverTiming ? { dbMs: 0, started: process.hrtime.bigint() } : undefined;
    const ctx: Ctx = {
      requestId: req.id,
      get log() {
        return req.log; // made on first use (see access-log.ts)
      },
      db: timing ? timedPool(pool, timing) : pool,
      clock,
      config,
      ip: req.ip ?? '',
      userAgent: String(req.headers['user-agent'] ?? '').slice(0, 500),
      principal: null,
      responseHeaders: {},
    };
    res.locals.ctx = ctx;
    if (timing) res.locals.timing = timing;
    try {
      const result = (await api.handleRequest(
        { method: req.method, path: req.path, query: req.query as Record<string, string | string[]>, headers: req.headers as Record<string, string | string[]>, body: req.body },
        ctx,
      )) as HttpResult;
      send(res, result, ctx.responseHeaders);
    } catch (err) {
      next(err);
    }
  };


  // API paths go straight to the pipeline; everything else passes the docs and console first
  // and then reaches the same pipeline, which answers unknown paths with the 404 envelope.
  // /api/docs (seed 000's address for the docs) is the one page under /api/.
  const isApiPath = (path: string) => (path.startsWith('/api/') && !API_DOCS_PATHS.has(path)) || path === '/health';
  const pipeline = [...apiChain, apiHandler];
  // Browsers on other origins (CORS): API paths only — POST /graphql (and its preflight) too, but
  // not GET /graphql, the GraphiQL page; a preflight is answered before the pipeline.
  const corsStep = cors(config.corsAllowedOrigins, corsPolicyFromSpec(loadSpec() as Parameters<typeof corsPolicyFromSpec>[0]));
  const isApiRequest = (req: Request) => isApiPath(req.path) || (req.path === '/graphql' && req.method !== 'GET' && req.method !== 'HEAD');
  app.use((req, res, next) => (isApiRequest(req) ? runChain([corsStep, ...pipeline], req, res, next) : next()));
  app.use(docsRouter(loadSpec()));
  // GET /graphql (GraphiQL, or a 405 telling an API client to POST) before the pipeline, where
  // POST /graphql is an operation of the spec.
  app.use(graphiqlRouter());
  app.use(consoleRouter());
  app.use(...pipeline);

  // One renderer for every error: the envelope, with the request id; internals only in the log.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const apiError = bodyParserError(err) ?? toApiError(err);
    if (apiError.status >= 500) {
      (req.log ?? log).error({ err, code: apiError.code }, 'request failed');
    }
    if (res.headersSent) return res.destroy();
    res.status(apiError.status);
    // Rate-limit state is sent on errors too (a 403 or 404 still counted against the key).
    for (const [name, value] of Object.entries((res.locals.ctx as Ctx | undefined)?.responseHeaders ?? {})) res.setHeader(name, value);
    for (const [name, value] of Object.entries(apiError.options.headers ?? {})) res.setHeader(name, value);
    setServerTiming(res);
    res.json(errorBody(apiError, req.id));
  });

  return { app, api };
}

type Middleware = (req: Request, res: Response, next: NextFunction) => unknown;

/** As body-parser decides (type-is's hasBody): a length header, even "0", or a chunked body. */
const sendsBody = (req: Request) => req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
/** Runs express middleware in order, as app.use(...chain) would, for one request. */
function runChain(chain: Middleware[], req: Request, res: Response, done: NextFunction): void {
  let i = 0;
  const next = (err?: unknown): void => {
    if (err !== undefined && err !== null) return done(err);
    const mw = chain[i++];
    if (!mw) return done();
    try {
      void mw(req, res, next);
    } catch (e) {
      done(e);
    }
  };
  next();
}

/** In development: how much of the request was database time (makes slow requests obvious). */
function setServerTiming(res: Response): void {
  const t = res.locals.timing as { dbMs: number; started: bigint } | undefined;
  if (!t) return;
  const total = Number(process.hrtime.bigint() - t.started) / 1e6;
  res.setHeader('Server-Timing', `db;dur=${t.dbMs.toFixed(1)}, total;dur=${total.toFixed(1)}`);
}

/** The handler's result, after the headers the pipeline set (rate limits); the handler's own win. */
function send(res: Response, result: HttpResult, pipelineHeaders: Record<string, string>): void {
  for (const name in pipelineHeaders) res.setHeader(name, pipelineHeaders[name]);
  const own = result.headers ?? {};
  for (const name in own) res.setHeader(name, own[name]);
  setServerTiming(res);
  res.status(result.status);
  if (result.body === undefined || result.status === 204) res.end();
  else if (result.body instanceof RawJson) res.type('application/json').send(result.body.text);
  else res.json(result.body);
}

export { ApiError };
