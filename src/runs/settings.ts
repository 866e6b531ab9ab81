// The configuration the run worker reads (see src/config.ts, "Runs").
import type { Config } from '../config';

export type RunConfig = Pick<Config, 'runPollMs' | 'runLeaseMs' | 'runWorkerConcurrency'>;
