// Each event type's payload schema, self-contained (every $ref inlined), from the bundled spec's
// `webhooks` section: GET /webhook-event-types serves exactly what the spec documents.
import { readFileSync } from 'node:fs';
import { bundledSpecPath } from '../paths';
import { EVENT_TYPES, type EventTypeInfo } from './event-types';

type Json = { [k: string]: unknown };

function resolve(spec: Json, pointer: string): Json {
  return pointer
    .replace(/^#\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<Json>((node, key) => node[key] as Json, spec);
}

function inline(spec: Json, node: unknown, depth = 0): unknown {
  if (depth > 32) throw new Error('schema too deep (a $ref cycle?)');
  if (Array.isArray(node)) return node.map((n) => inline(spec, n, depth + 1));
  if (!node || typeof node !== 'object') return node;
  const { $ref, ...rest } = node as Json;
  const base = typeof $ref === 'string' ? (inline(spec, resolve(spec, $ref), depth + 1) as Json) : {};
  const own = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, inline(spec, v, depth + 1)]));
  return { ...base, ...own };
}

export interface EventTypeEntry {
  type: string;
  description: string;
  subscribable: boolean;
  required_scope: EventTypeInfo['requiredScope'];
  delivered_to: EventTypeInfo['deliveredTo'];
  schema: Json;
}

let catalogue: EventTypeEntry[] | undefined;

/** The catalogue in alphabetical order of type, each with its payload's JSON Schema. */
export function eventTypeCatalogue(): EventTypeEntry[] {
  if (catalogue) return catalogue;
  const spec = JSON.parse(readFileSync(bundledSpecPath, 'utf8')) as Json;
  catalogue = EVENT_TYPES.map((t) => ({
    type: t.type,
    description: t.description,
    subscribable: t.subscribable,
    required_scope: t.requiredScope,
    delivered_to: t.deliveredTo,
    schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', ...(inline(spec, { $ref: t.schemaRef }) as Json) },
  }));
  return catalogue;
}
