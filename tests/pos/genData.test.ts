// `npm run -s gen:data`: the CLI end to end, on a small data set.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startHarness, type Harness } from '../helpers/harness';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

describe('gen:data', () => {
  let h: Harness;
  const gen = (...args: string[]) =>
    run(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'src', 'cli', 'gen-data.ts'), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: h.database.url, LOG_LEVEL: 'silent' },
    });
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const counts = async () =>
    (
      await h.db.query(`SELECT (SELECT count(*)::int FROM produits p JOIN organisations o ON o.id = p.org_id WHERE o.slug = 'gen-test') AS produits,
                               (SELECT count(*)::int FROM clients c JOIN organisations o ON o.id = c.org_id WHERE o.slug = 'gen-test') AS clients,
                               (SELECT count(*)::int FROM tickets t JOIN organisations o ON o.id = t.org_id WHERE o.slug = 'gen-test') AS tickets,
                               (SELECT min(numero)::int FROM tickets t JOIN organisations o ON o.id = t.org_id WHERE o.slug = 'gen-test') AS first,
                               (SELECT max(numero)::int FROM tickets t JOIN organisations o ON o.id = t.org_id WHERE o.slug = 'gen-test') AS last,
                               (SELECT count(*)::int FROM ticket_lignes l JOIN organisations o ON o.id = l.org_id WHERE o.slug = 'gen-test') AS lignes`)
    ).rows[0];

  it('creates the organisation with a catalogue and customers, then the tickets in batches', async () => {
    const { stdout } = await gen('--org', 'gen-test', '--tickets', '3000', '--produits', '300', '--clients', '120', '--days', '30', '--batch', '1000');
    expect(stdout).toMatch(/\+300 produits, \+120 clients/);
    expect(stdout).toMatch(/3000 tickets and \d+ lignes/);
    const n = await counts();
    expect(n).toMatchObject({ produits: 300, clients: 120, tickets: 3000, first: 1, last: 3000 });
    expect(n.lignes).toBeGreaterThanOrEqual(3000);
  }, 60_000);

  it('adds to an existing organisation: numbering continues, the catalogue is reused', async () => {
    await gen('--org', 'gen-test', '--tickets', '1000', '--days', '10');
    expect(await counts()).toMatchObject({ produits: 300, clients: 120, tickets: 4000, first: 1, last: 4000 });
    const { rows } = await h.db.query(`SELECT last_numero::int AS n FROM ticket_counters c JOIN organisations o ON o.id = c.org_id WHERE o.slug = 'gen-test'`);
    expect(rows[0].n).toBe(4000);
    // Batches run side by side, yet invoice numbers follow the tickets' order without a gap.
    const { rows: inv } = await h.db.query(
      `SELECT right(numero_facture, 6)::int AS n FROM tickets t JOIN organisations o ON o.id = t.org_id
        WHERE o.slug = 'gen-test' AND numero_facture IS NOT NULL ORDER BY t.numero`,
    );
    expect(inv.length).toBeGreaterThan(100);
    expect(inv.map((r) => r.n)).toEqual(inv.map((_, k) => k + 1));
  }, 60_000);

  it('refuses bad arguments with the usage line', async () => {
    await expect(gen('--org', 'Not A Slug', '--tickets', '10')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('usage: gen:data') });
    await expect(gen('--org', 'gen-test', '--tickets', 'many')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('--tickets must be an integer') });
  }, 60_000);
});
