#!/usr/bin/env node
// The contract-coverage gate (run by `make test` after jest): every (operationId, documented
// status) pair in the spec must have been produced by some test, unless tests/contract-allowlist.mjs
// exempts it with a reason. Lists the missing pairs and fails.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = JSON.parse(readFileSync(join(root, 'generated', 'openapi.json'), 'utf8'));
const { default: allow } = await import(join(root, 'tests', 'contract-allowlist.mjs'));
const dir = join(root, '.data', 'contract-coverage');

const seen = new Set();
if (existsSync(dir)) {
  for (const f of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line) continue;
      const { operationId, status } = JSON.parse(line);
      seen.add(`${operationId} ${status}`);
    }
  }
}
if (seen.size === 0) {
  console.error('contract coverage: no responses were recorded — did jest run?');
  process.exit(1);
}
const exempt = (id, status) => allow.some((a) => (a.operationId === '*' || a.operationId === id) && String(a.status) === String(status));

const missing = [];
let total = 0;
for (const item of Object.values(spec.paths)) {
  for (const op of Object.values(item)) {
    if (!op || typeof op !== 'object' || !op.operationId) continue;
    for (const status of Object.keys(op.responses ?? {})) {
      total++;
      if (!seen.has(`${op.operationId} ${status}`) && !exempt(op.operationId, status)) missing.push(`${op.operationId} ${status}`);
    }
  }
}
if (missing.length) {
  console.error(`contract coverage: ${missing.length} of ${total} documented (operationId, status) pairs were never produced by a test:`);
  for (const m of missing) console.error(`  - ${m}`);
  process.exit(1);
}
console.log(`contract coverage: all ${total} documented (operationId, status) pairs produced or allow-listed (${seen.size} seen)`);
