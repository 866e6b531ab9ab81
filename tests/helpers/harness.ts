// The app harness: a real app on its own real database, served on loopback, with a request
// helper that checks every response against the spec (tests/helpers/contract.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import request from 'supertest';
import { accessPolicies, handlers, requestCosts } from '../../handlers';
import { createApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { createPool } from '../../src/db/pool';
import type { HandlerMap } from '../../src/handler';
import { answerClientErrors } from '../../src/http/client-error';
import { createLogger } from '../../src/logger';
import { ANSWERED, checkResponse, recordAsserted, statusMatchers, type Answered } from './contract';
import { createTestDatabase, ignoreTeardownTermination, type TestDatabase } from './db';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';
export type ContractClient = Record<Method, (url: string) => request.Test>;

export interface Harness {
  /** supertest, with every response checked against the spec. */
  api: ContractClient;
  /** Direct access to the test database, for arranging data and asserting what changed. */
  db: pg.Pool;
  database: TestDatabase;
  server: Server;
  baseUrl: string;
  config: Config;
  /** Log lines, when started with captureLogs. */
  logs: string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  handlers?: HandlerMap;
  clock?: () => Date;
  /** Point the app at another database URL (e.g. a dead one) instead of the test database. */
  appDatabaseUrl?: string;
  /** Share another harness's database (two app instances on one database). */
  database?: TestDatabase;
  /** Keep every log line (at trace level) in `logs`, e.g. to prove secrets never reach them. */
  captureLogs?: boolean;
  /** What the app gets instead of its pool (e.g. the pool behind a proxy counting its statements). */
  wrapPool?: (pool: pg.Pool) => pg.Pool;
}

// Status assertions on a checked response count for the coverage gate (see contract.ts).
expect.extend(statusMatchers);

export function contractClient(server: Server): ContractClient {
  const client = {} as ContractClient;
  for (const method of ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as Method[]) {
    client[method] = (url: string) => {
      const test = request(server)[method](url);
      // `.expect(404)` (alone or with a body/callback): the status this test asserts.
      const asserted = new Set<number>();
      const expectFn = test.expect.bind(test) as (...args: unknown[]) => request.Test;
      test.expect = ((...args: unknown[]) => {
        if (typeof args[0] === 'number') asserted.add(args[0]);
        return expectFn(...args);
      }) as typeof test.expect;
      const then = test.then.bind(test);
      // Validate before the test sees the response: a mismatch fails the awaiting test. Supertest
      // settles only after its own assertions, so reaching here means every `.expect` held.
      test.then = ((onOk, onFail) =>
        then((res) => {
          const operationId = checkResponse(method, url, { status: res.status, headers: res.headers, body: res.body, text: res.text });
          if (operationId) Object.defineProperty(res, ANSWERED, { value: operationId });
          for (const status of asserted) recordAsserted(res as Answered, status);
          return res;
        }).then(onOk, onFail)) as typeof test.then;
      return test;
    };
  }
  return client;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const database = opts.database ?? (await createTestDatabase());
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', ...opts.env });
  const logs: string[] = [];
  const log = opts.captureLogs
    ? createLogger('trace', { write: (line: string) => void logs.push(line) })
    : createLogger(config.logLevel);
  const pool = createPool(config, opts.appDatabaseUrl ?? database.url, log);
  const { app } = await createApp({ config, pool: opts.wrapPool ? opts.wrapPool(pool) : pool, log, clock: opts.clock, handlers: opts.handlers ?? handlers, policies: accessPolicies, requestCosts });
  const server = createServer(app);
  answerClientErrors(server, log);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const db = ignoreTeardownTermination(new pg.Pool({ connectionString: database.url, max: 3 }));
  const { port } = server.address() as AddressInfo;
  return {
    api: contractClient(server),
    db,
    database,
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    logs,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await pool.end();
      await db.end();
      if (!opts.database) await database.drop();
    },
  };
}
