import { createHash } from 'node:crypto';

const names = new Map<string, string>();

/**
 * A stable name for a hot query, so pg prepares it once per connection and later runs skip
 * PostgreSQL's parse and plan steps. Derived from the text: two texts never share a name.
 */
export function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) names.set(sql, (name = `q_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`));
  return name;
}
