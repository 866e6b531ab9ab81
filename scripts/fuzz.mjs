#!/usr/bin/env node
// `make fuzz`: the spec fuzzer (tests/fuzz) run longer than in CI, with a fresh seed each time.
//   FUZZ_RUNS   requests per operation (default 1000; CI runs 100)
//   FUZZ_SEED   replay a run (printed at the start, and again on failure)
//   FUZZ_SHRINK 1 (default here) shrinks a failing request to a minimal one; 0 stops at the first
// Extra arguments go to jest, e.g. `node scripts/fuzz.mjs -t listTickets`.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

const seed = process.env.FUZZ_SEED || String(randomInt(1, 2 ** 31 - 1));
const runs = process.env.FUZZ_RUNS || '1000';
const shrink = process.env.FUZZ_SHRINK || '1';
console.log(`fuzz: FUZZ_SEED=${seed} FUZZ_RUNS=${runs}`);
const r = spawnSync('node_modules/.bin/jest', ['tests/fuzz', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs, FUZZ_SHRINK: shrink },
});
if (r.status !== 0) console.error(`\nfuzz: FAILED with FUZZ_SEED=${seed} — replay: make fuzz FUZZ_SEED=${seed} FUZZ_RUNS=${runs}`);
else console.log(`fuzz: passed (FUZZ_SEED=${seed}, ${runs} requests per operation)`);
process.exit(r.status ?? 1);
