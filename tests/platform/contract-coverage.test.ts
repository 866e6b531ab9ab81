// The contract-coverage gate counts a status only when a test asserted it and the assertion held:
// a call that merely produced a status (fuzzing, a setup request) proves nothing about it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startHarness, type Harness } from '../helpers/harness';

const ROOT = join(__dirname, '..', '..');
const spec = JSON.parse(readFileSync(join(ROOT, 'generated', 'openapi.json'), 'utf8'));

describe('contract coverage: what counts as covered', () => {
  let h: Harness;
  let dir: string;
  const original = process.env.AURA_CONTRACT_COVERAGE_DIR;
  /** What this file recorded since the last call, as "kind operationId status". */
  const records = () => {
    const lines = readdirSync(dir).flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
    readdirSync(dir).forEach((f) => rmSync(join(dir, f)));
    return lines.map((l) => JSON.parse(l)).map((r) => `${r.kind} ${r.operationId} ${r.status}`);
  };

  beforeAll(async () => {
    h = await startHarness();
    // This file's records go to a folder of its own (they are about the recorder, not the API).
    dir = mkdtempSync(join(tmpdir(), 'aura-coverage-'));
    process.env.AURA_CONTRACT_COVERAGE_DIR = dir;
  });
  afterAll(async () => {
    process.env.AURA_CONTRACT_COVERAGE_DIR = original;
    rmSync(dir, { recursive: true, force: true });
    await h?.close();
  });
  beforeEach(() => void records());

  it('a call whose status nobody asserts is produced, not asserted', async () => {
    await h.api.get('/api/v1/whoami');
    expect(records()).toEqual(['produced getWhoami 401']);
  });

  it("supertest's .expect(status) counts once it held", async () => {
    await h.api.get('/api/v1/whoami').expect(401);
    expect(records()).toEqual(['produced getWhoami 401', 'asserted getWhoami 401']);
    await h.api.get('/api/v1/whoami').expect(401, /UNAUTHORIZED/);
    expect(records()).toEqual(['produced getWhoami 401', 'asserted getWhoami 401']);
  });

  it('a failing .expect(status) counts nothing', async () => {
    await expect(h.api.get('/api/v1/whoami').expect(200)).rejects.toThrow(/expected 200 "OK", got 401/);
    expect(records()).toEqual([]);
  });

  it('expect(res).toHaveStatus(n) counts when it holds; a failing or negated one does not', async () => {
    const res = await h.api.get('/api/v1/whoami');
    expect(records()).toEqual(['produced getWhoami 401']);
    expect(() => expect(res).toHaveStatus(403)).toThrow(/expected status 403, got 401/);
    expect(res).not.toHaveStatus(200);
    expect(records()).toEqual([]);
    expect(res).toHaveStatus(401);
    expect(records()).toEqual(['asserted getWhoami 401']);
  });

  it('a status asserted on a copy of the response (no operation attached) counts nothing', async () => {
    const res = await h.api.get('/api/v1/whoami');
    records();
    expect({ ...res, status: res.status }).toHaveStatus(401);
    expect(records()).toEqual([]);
  });

  describe('the gate (scripts/check-contract-coverage.mjs)', () => {
    const run = promisify(execFile);
    const gate = async (lines: object[]) => {
      const gateDir = mkdtempSync(join(tmpdir(), 'aura-gate-'));
      writeFileSync(join(gateDir, '1.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      try {
        const r = await run(process.execPath, [join(ROOT, 'scripts', 'check-contract-coverage.mjs')], { env: { ...process.env, AURA_CONTRACT_COVERAGE_DIR: gateDir } });
        return { code: 0, out: r.stdout + r.stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, out: e.stdout + e.stderr };
      } finally {
        rmSync(gateDir, { recursive: true, force: true });
      }
    };
    const documented: Array<{ operationId: string; status: string }> = [];
    for (const item of Object.values(spec.paths) as Array<Record<string, { operationId?: string; responses?: object }>>) {
      for (const op of Object.values(item)) if (op?.operationId) for (const status of Object.keys(op.responses ?? {})) documented.push({ operationId: op.operationId, status });
    }
    const every = (kind: string) => documented.filter((d) => d.status !== '500').map((d) => ({ kind, ...d, status: Number(d.status), test: 't' }));

    it('fails when every documented status was produced but none asserted, naming them', async () => {
      const r = await gate(every('produced'));
      expect(r.code).toBe(1);
      expect(r.out).toContain(`${documented.length - documented.filter((d) => d.status === '500').length} of ${documented.length} documented (operationId, status) pairs were never asserted`);
      expect(r.out).toMatch(/- getHealth 200 +\(produced but not asserted by 1 test\(s\)/);
    }, 30_000);

    it('passes when every documented status but the allow-listed 500s was asserted, and says how many', async () => {
      const r = await gate([...every('produced'), ...every('asserted')]);
      expect(r).toEqual({ code: 0, out: expect.stringMatching(/contract coverage: \d+ of \d+ documented \(operationId, status\) pairs asserted by a test, \d+ allow-listed/) });
    }, 30_000);
  });
});
