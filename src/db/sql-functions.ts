// The modules' SQL functions (renderers such as pos_*_json, webhook publishing and rendering) are
// not migrations: they are re-applied at every boot, so changing one is an edit of its file.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type pg from 'pg';
import { repoRoot } from '../paths';

/** sql/functions/<module>/*.sql, then the ones generated from the spec (generated/*.sql). */
const SOURCES = [join(repoRoot, 'sql', 'functions'), join(repoRoot, 'generated')];

/**
 * The files in the order they run: each source in turn, its files sorted by path (code-point order,
 * not the locale's), so every instance applies the same sequence. A sql-language function is
 * checked when it is created: what it calls must come from an earlier file, the same file, or a
 * migration.
 */
export function sqlFunctionFiles(): string[] {
  return SOURCES.flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.sql'))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((name) => join(dir, name)),
  );
}

/**
 * Applies every file in one transaction: all or nothing. The caller holds the migration lock
 * (src/db/migrate.ts): two instances booting at once would otherwise race CREATE OR REPLACE on
 * the same pg_proc rows ("tuple concurrently updated").
 *
 * CREATE OR REPLACE FUNCTION cannot change a function's return type or its arguments' names or
 * types: such a change needs a DROP FUNCTION in a new migration (it then runs before this).
 */
export async function applySqlFunctions(client: pg.Client): Promise<string[]> {
  const files = sqlFunctionFiles();
  await client.query('BEGIN');
  try {
    for (const file of files) {
      try {
        await client.query(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new Error(`${relative(repoRoot, file)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
  return files.map((f) => relative(repoRoot, f));
}
