// What the GraphQL tests start from: the app on its own database, with its pool behind a proxy that
// records every statement the app sends (so a test can say "no SQL ran", or "3 statements"), two
// organisations with the demo data of every module, and a helper posting queries.
import type pg from 'pg';
import type request from 'supertest';
import { modules } from '../../handlers';
import { createApiKey, createOrg } from '../helpers/factories';
import { startHarness, type Harness, type HarnessOptions } from '../helpers/harness';
import { allScopes } from '../helpers/spec-ops';

export interface GraphqlWorld {
  h: Harness;
  org: string;
  other: string;
  /** Every scope, a limit no test reaches. */
  key: string;
  /** The statements the app sent since the last `statements.length = 0`. */
  statements: string[];
  gql(query: string, opts?: { key?: string; variables?: Record<string, unknown>; operationName?: string }): request.Test;
}

/** The pool, with the text of every statement sent through it (directly or on a checked-out client) recorded. */
export function recordingPool(pool: pg.Pool, statements: string[]): pg.Pool {
  const record = (args: unknown[]) => {
    const q = args[0] as string | { text: string };
    statements.push(typeof q === 'string' ? q : q.text);
  };
  const recordingClient = (client: pg.PoolClient) =>
    new Proxy(client, {
      get(target, prop) {
        if (prop === 'query') return (...args: unknown[]) => (record(args), (target.query as (...a: unknown[]) => unknown)(...args));
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return new Proxy(pool, {
    get(target, prop) {
      if (prop === 'query') return (...args: unknown[]) => (record(args), (target.query as (...a: unknown[]) => unknown)(...args));
      if (prop === 'connect') return async () => recordingClient(await target.connect());
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Every module's demo data in the organisation, as `make start` seeds it. */
export async function seedDemo(db: pg.Pool, orgId: string): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    for (const m of modules) await m.demo?.seed(client, orgId);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

export async function graphqlWorld(opts: HarnessOptions = {}): Promise<GraphqlWorld> {
  const statements: string[] = [];
  const h = await startHarness({ ...opts, wrapPool: (pool) => recordingPool(pool, statements) });
  const org = (await createOrg(h.db, { edition: 'group' })).id;
  const other = (await createOrg(h.db, { edition: 'group' })).id;
  await seedDemo(h.db, org);
  await seedDemo(h.db, other);
  const { key } = await createApiKey(h.db, { orgId: org, scopes: allScopes(), rateLimitPerMinute: 1_000_000 });
  const gql: GraphqlWorld['gql'] = (query, o = {}) =>
    h.api.post('/graphql').set('X-API-Key', o.key ?? key).send({ query, ...(o.variables ? { variables: o.variables } : {}), ...(o.operationName ? { operationName: o.operationName } : {}) });
  return { h, org, other, key, statements, gql };
}
