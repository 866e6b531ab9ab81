// What `pg_dump --schema-only` says a database holds: its archive's table of contents
// (`pg_dump -Fc` then `pg_restore -l`) and the SQL it would run — the baseline introspection is
// compared with. pg_dump refuses a server of a newer major version than its own.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PG_DUMP = '/usr/bin/pg_dump';
const PG_RESTORE = '/usr/bin/pg_restore';

/** pg_dump's major version, or null when it is not installed. */
export async function pgDumpMajor(): Promise<number | null> {
  try {
    const { stdout } = await run(PG_DUMP, ['--version']);
    const m = /\(PostgreSQL\) (\d+)/.exec(stdout);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Whether the pg_dump baseline can run: pg_dump must be installed and at least the server's major
 * version. Otherwise it may be left out only in the embedded-PostgreSQL pass (its server outgrows
 * Debian's pg_dump); anywhere else the setup is broken and the test fails.
 */
export function pgDumpBaseline(dumpMajor: number | null, serverMajor: number, embeddedPass: boolean): 'run' | 'not-run-embedded' | 'broken-setup' {
  if (dumpMajor !== null && dumpMajor >= serverMajor) return 'run';
  return embeddedPass ? 'not-run-embedded' : 'broken-setup';
}

export interface TocEntry {
  desc: string;
  schema: string | null;
  tag: string;
}

// Longest first: a multi-word kind must win over its first word.
const DESCS = [
  'MATERIALIZED VIEW DATA', 'TEXT SEARCH CONFIGURATION', 'TEXT SEARCH DICTIONARY', 'SEQUENCE OWNED BY', 'MATERIALIZED VIEW',
  'FK CONSTRAINT', 'FOREIGN TABLE', 'EVENT TRIGGER', 'INDEX ATTACH', 'TABLE ATTACH', 'ROW SECURITY', 'SEQUENCE SET', 'DEFAULT ACL',
  'AGGREGATE', 'CONSTRAINT', 'EXTENSION', 'PROCEDURE', 'COLLATION', 'OPERATOR', 'SEQUENCE', 'FUNCTION', 'DEFAULT', 'TRIGGER',
  'COMMENT', 'DOMAIN', 'POLICY', 'SCHEMA', 'INDEX', 'TABLE', 'TYPE', 'VIEW', 'CAST', 'RULE', 'ACL',
];

/** `ID; CATALOG OID DESC SCHEMA TAG OWNER` lines (owner: one token, empty for an extension). */
export function parseToc(list: string): TocEntry[] {
  const out: TocEntry[] = [];
  for (const line of list.split('\n')) {
    const m = /^\d+; \d+ \d+ (.*)$/.exec(line);
    if (!m) continue;
    const desc = DESCS.find((d) => m[1].startsWith(`${d} `));
    if (!desc) throw new Error(`unknown pg_restore -l entry: ${line}`);
    const rest = m[1].slice(desc.length + 1);
    const sp = rest.indexOf(' ');
    const schema = rest.slice(0, sp);
    const tagAndOwner = rest.slice(sp + 1);
    out.push({ desc, schema: schema === '-' ? null : schema, tag: tagAndOwner.slice(0, tagAndOwner.lastIndexOf(' ')) });
  }
  return out;
}

/** The schema-only archive's table of contents and its SQL. */
export async function dumpObjects(url: string): Promise<{ toc: TocEntry[]; sql: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'aura-pgdump-'));
  try {
    const file = join(dir, 'schema.dump');
    await run(PG_DUMP, ['--schema-only', '-Fc', '-f', file, `--dbname=${url}`]);
    const { stdout: list } = await run(PG_RESTORE, ['-l', file], { maxBuffer: 64 << 20 });
    const { stdout: sql } = await run(PG_RESTORE, ['-f', '-', file], { maxBuffer: 64 << 20 });
    return { toc: parseToc(list), sql };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
