// Ajv errors from openapi-backend's request validation → one `details` item per failed field.
import type { ErrorObject } from 'ajv';
import type { ErrorDetail } from '../errors';

const PART: Record<string, string> = { requestBody: 'body', query: 'query', path: 'path', header: 'header', cookie: 'cookie' };

function pointerToLoc(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(e: ErrorObject): { extra?: string; msg: string } {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { extra: String(p.missingProperty), msg: 'is required' };
    case 'additionalProperties':
      return { extra: String(p.additionalProperty), msg: 'is not an accepted field' };
    case 'unevaluatedProperties':
      return { extra: String(p.unevaluatedProperty), msg: 'is not an accepted field' };
    case 'parse':
      return { msg: 'is not valid JSON' };
    case 'enum':
      return { msg: `must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'maximum':
      return { msg: `must be <= ${p.limit}` };
    case 'minimum':
      return { msg: `must be >= ${p.limit}` };
    default:
      return { msg: e.message ?? 'is invalid' };
  }
}

export function toErrorDetails(errors: ErrorObject[]): ErrorDetail[] {
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  for (const e of errors) {
    const raw = pointerToLoc(e.instancePath);
    const { extra, msg } = describe(e);
    // openapi-backend validates {path, query, header, cookie, requestBody}: map its top level to our parts.
    let loc: Array<string | number> = raw.length ? [PART[String(raw[0])] ?? String(raw[0]), ...raw.slice(1)] : [];
    if (extra !== undefined) loc.push(extra);
    if (loc[0] === 'requestBody') loc = ['body', ...loc.slice(1)];
    if (!loc.length) loc = ['body'];
    const key = `${loc.join('\u0000')}|${e.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push({ loc, msg, type: e.keyword });
  }
  return details;
}

/** "limit must be <= 200", naming the field (the last loc item, or the part of the request). */
export function summarise(details: ErrorDetail[]): string {
  const [first] = details;
  if (!first) return 'The request is invalid';
  const name = first.loc.length > 1 ? first.loc.slice(1).join('.') : String(first.loc[0] ?? 'request');
  const more = details.length > 1 ? ` (and ${details.length - 1} more problem${details.length > 2 ? 's' : ''})` : '';
  return `${name} ${first.msg}${more}`;
}
