// Parity, generated from the map (no per-field code): for every root field, with the demo data of
// every module, the GraphQL result deep-equals the REST body of the operation it mirrors — every
// field of its type selected (relations aside: REST has only their ids), GDPR-masked clients
// included. A property REST leaves out (a ticket's `lignes` in a list without withLignes) is null.
import { getNamedType, isObjectType, type GraphQLField, type GraphQLOutputType } from 'graphql';
import { relations, rootFields } from '../../generated/graphql-map';
import { operationInfo } from '../../generated/operations';
import { graphqlSchema } from '../../handlers/graphql/schema';
import { graphqlWorld, type GraphqlWorld } from './world';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every field of the type, nested objects expanded, relation fields left out. */
function selectionOf(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return '';
  const fields = Object.values(named.getFields()).filter((f: GraphQLField<unknown, unknown>) => !relations[named.name]?.[f.name]);
  return `{ ${fields.map((f) => `${f.name} ${selectionOf(f.type)}`).join(' ')} }`;
}

/** The GraphQL value with nulls removed where the REST body has no such property. */
function asRest(gql: unknown, rest: unknown): unknown {
  if (Array.isArray(gql) && Array.isArray(rest)) return gql.map((g, i) => asRest(g, rest[i]));
  if (gql && typeof gql === 'object' && rest && typeof rest === 'object') {
    return Object.fromEntries(Object.entries(gql as Json).filter(([k, v]) => v !== null || k in (rest as Json)).map(([k, v]) => [k, asRest(v, (rest as Json)[k])]));
  }
  return gql;
}

const schema = graphqlSchema();
const queryFields = schema.getQueryType()!.getFields();
const isList = (name: string) => rootFields[name].path.length === 0;

describe('GraphQL ≡ REST, for every root field, on the demo data', () => {
  let w: GraphqlWorld;
  beforeAll(async () => {
    w = await graphqlWorld();
  });
  afterAll(() => w.h.close());

  const rest = (path: string) => w.h.api.get(path).set('X-API-Key', w.key).expect(200);
  const graphql = async (field: string, args: Record<string, unknown>) => {
    const argText = Object.entries(args).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
    const res = await w.gql(`{ ${field}${argText ? `(${argText})` : ''} ${selectionOf(queryFields[field].type)} }`).expect(200);
    expect(res.body.errors).toBeUndefined();
    return res.body.data[field];
  };

  it.each(Object.keys(rootFields).filter(isList).map((f) => [f]))('%s (a whole page, and the next one)', async (field) => {
    const path = operationInfo[rootFields[field].operationId].path;
    for (const page of [{ limit: 200 }, { limit: 3, offset: 2 }]) {
      const body = (await rest(`${path}?limit=${page.limit}${'offset' in page ? `&offset=${page.offset}` : ''}`)).body;
      expect(body.items.length).toBeGreaterThan(0); // the demo has some: the comparison means something
      expect(asRest(await graphql(field, page), body)).toEqual(body);
    }
  });

  it.each(Object.keys(rootFields).filter((f) => !isList(f)).map((f) => [f]))('%s (the first and the last of its list)', async (field) => {
    const path = operationInfo[rootFields[field].operationId].path;
    const list = (await rest(`${path.replace(/\/\{id\}$/, '')}?limit=200`)).body.items as Json[];
    expect(list.length).toBeGreaterThan(0);
    for (const { id } of [list[0], list[list.length - 1]]) {
      const body = (await rest(path.replace('{id}', id))).body;
      expect(asRest(await graphql(field, { id }), body)).toEqual(body);
    }
  });

  it('includes GDPR-masked clients (no email or phone without marketing consent), masked alike', async () => {
    const clients = (await rest('/api/v1/clients?limit=200')).body.items as Json[];
    const masked = clients.filter((c) => !c.consentement_marketing);
    expect(masked.length).toBeGreaterThan(0);
    expect(masked.every((c) => c.email === null)).toBe(true);
    const viaGraphql = (await graphql('clients', { limit: 200 })).items as Json[];
    expect(viaGraphql.filter((c) => !c.consentement_marketing).map((c) => c.email)).toEqual(masked.map(() => null));
  });

  it('every list and every detail of the map is covered above (the map is the schema)', () => {
    expect(Object.keys(rootFields).sort()).toEqual(Object.keys(queryFields).sort());
  });
});
