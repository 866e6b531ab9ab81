// A GraphQL request, checked and priced before anything touches the database (it runs before the
// credential is resolved: see module.ts): parse (token limit), validate (the spec's rules plus
// depth and aliases; both cached per document text), the operation to run, its variables, then
// the cost. Any failure is a 400 naming the part of the body at fault.
import { getOperationAST, getVariableValues, parse, specifiedRules, validate, GraphQLError, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { ApiError } from '../../src/errors';
import { LIMITS, maxAliasesRule, maxDepthRule } from './limits';
import { graphqlSchema, runsOperation } from './schema';

export interface GraphqlRequestBody {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export interface Prepared {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
  /** Rate-limit points: 1 per field that runs a REST operation, at least 1. */
  cost: number;
}

// graphql-js gives up comparing same-named fields past a work budget, saying only this.
const ABORTED = 'Validation aborted.';
const refuse = (field: 'query' | 'variables' | 'operationName', errors: readonly GraphQLError[]) => {
  const text = (e: GraphQLError) => (e.message === ABORTED ? 'The query repeats too many fields to validate; ask each field once' : e.message);
  const msg = (e: GraphQLError) => (e.locations?.[0] ? `${text(e)} (line ${e.locations[0].line}, column ${e.locations[0].column})` : text(e));
  return new ApiError('VALIDATION_ERROR', `${field}: ${msg(errors[0])}`, {
    details: errors.slice(0, 10).map((e) => ({ loc: ['body', field], msg: msg(e), type: 'graphql' })),
  });
};

// Parsed and validated documents by text (most clients send a handful of queries, again and again).
const CACHE_SIZE = 500;
const cache = new Map<string, DocumentNode | ApiError>();

function checkedDocument(query: string): DocumentNode {
  let hit = cache.get(query);
  if (!hit) {
    try {
      const document = parse(query, { maxTokens: LIMITS.maxTokens });
      const errors = validate(graphqlSchema(), document, [...specifiedRules, maxDepthRule, maxAliasesRule]);
      hit = errors.length ? refuse('query', errors) : document;
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      hit = refuse('query', [err]); // a syntax error, or past maxTokens
    }
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(query, hit);
  }
  if (hit instanceof ApiError) throw hit;
  return hit;
}

export function prepare(body: GraphqlRequestBody): Prepared {
  const schema = graphqlSchema();
  const document = checkedDocument(body.query);
  const operation = getOperationAST(document, body.operationName ?? undefined);
  if (!operation) {
    const names = document.definitions.filter((d) => d.kind === 'OperationDefinition').length;
    throw refuse('operationName', [new GraphQLError(body.operationName ? `No operation named ${body.operationName} in the query` : `The query has ${names} operations: name the one to run`)]);
  }
  // The schema has reads only (execute would answer a mutation with a 200 and no data).
  if (operation.operation !== 'query') throw refuse('query', [new GraphQLError(`Only queries run here, not a ${operation.operation}`, { nodes: operation })]);
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], body.variables ?? {}, { maxErrors: 10 });
  if (coerced.errors) throw refuse('variables', coerced.errors);
  const queryType = schema.getQueryType()!.name;
  let points: number;
  try {
    points = getComplexity({
      schema,
      query: document,
      variables: body.variables ?? {},
      operationName: body.operationName ?? undefined,
      estimators: [({ type, field, childComplexity }) => (runsOperation(type.name, field.name, queryType) ? 1 : 0) + childComplexity],
    });
  } catch (err) {
    if (err instanceof GraphQLError) throw refuse('query', [err]);
    throw err;
  }
  if (points > LIMITS.maxCost) throw refuse('query', [new GraphQLError(`The query costs ${points} points; at most ${LIMITS.maxCost}`)]);
  return { document, operation, variables: body.variables ?? {}, cost: Math.max(1, points) };
}
