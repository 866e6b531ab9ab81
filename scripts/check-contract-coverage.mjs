#!/usr/bin/env node
// The contract-coverage gate (run by `make test` after jest): every (operationId, documented
// status) pair in the spec must have been ASSERTED by some test — supertest's `.expect(status)` or
// `expect(res).toHaveStatus(status)` on a response of the contract client, recorded only when the
// assertion held (tests/helpers/contract.ts). A status that calls merely produced (fuzzing, setup
// calls, unchecked requests) does not count. tests/contract-allowlist.mjs exempts, with a reason
// each, what cannot be produced from outside. Lists the missing pairs and fails.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = JSON.parse(readFileSync(join(root, 'generated', 'openapi.json'), 'utf8'));
const { default: allow } = await import(join(root, 'tests', 'contract-allowlist.mjs'));
// Where jest's global setup has the tests record; AURA_CONTRACT_COVERAGE_DIR points elsewhere (the gate's own test).
const dir = process.env.AURA_CONTRACT_COVERAGE_DIR ?? join(root, '.data', 'contract-coverage');

/** "operationId status" → the tests that asserted it / that produced it without asserting it. */
const asserted = new Map();
const produced = new Map();
if (existsSync(dir)) {
  for (const f of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line) continue;
      const { kind, operationId, status, test } = JSON.parse(line);
      const seen = kind === 'asserted' ? asserted : produced;
      const pair = `${operationId} ${status}`;
      if (!seen.has(pair)) seen.set(pair, new Set());
      seen.get(pair).add(test);
    }
  }
}
if (produced.size === 0) {
  console.error('contract coverage: no responses were recorded — did jest run?');
  process.exit(1);
}

const documented = [];
for (const item of Object.values(spec.paths)) {
  for (const op of Object.values(item)) {
    if (!op || typeof op !== 'object' || !op.operationId) continue;
    for (const status of Object.keys(op.responses ?? {})) documented.push(`${op.operationId} ${status}`);
  }
}
const exemption = (pair) => {
  const [id, status] = pair.split(' ');
  return allow.find((a) => (a.operationId === '*' || a.operationId === id) && String(a.status) === status);
};

const missing = documented.filter((p) => !asserted.has(p) && !exemption(p));
// A named exemption whose status a test now asserts is stale: the list must not rot into a blanket.
const stale = documented.filter((p) => asserted.has(p) && exemption(p) && exemption(p).operationId !== '*');
const exempted = documented.filter((p) => !asserted.has(p) && exemption(p));

if (missing.length || stale.length) {
  if (missing.length) {
    console.error(`contract coverage: ${missing.length} of ${documented.length} documented (operationId, status) pairs were never asserted by a test:`);
    for (const m of missing) {
      const by = [...(produced.get(m) ?? [])];
      console.error(`  - ${m}${by.length ? `   (produced but not asserted by ${by.length} test(s), e.g. ${by[0]})` : '   (never produced)'}`);
    }
  }
  if (stale.length) {
    console.error('contract coverage: allow-listed pairs that a test now asserts (remove them from tests/contract-allowlist.mjs):');
    for (const s of stale) console.error(`  - ${s}`);
  }
  process.exit(1);
}
const asserting = documented.filter((p) => asserted.has(p)).length;
console.log(
  `contract coverage: ${asserting} of ${documented.length} documented (operationId, status) pairs asserted by a test, ` +
    `${exempted.length} allow-listed (${[...new Set(exempted.map((p) => exemption(p).why))].join('; ')})`,
);
