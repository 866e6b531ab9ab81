// The API's modules, wired from the layout by `make generate` (generated/modules.ts): every
// operation's handler and what each handlers/<module>/module.ts adds. Entry points (src/server.ts,
// the CLI, tests) take them from here; the plumbing in src/ never imports handlers/.
import { handlers, modules } from '../generated/modules';

export { handlers, modules };
export const accessPolicies = modules.flatMap((m) => m.accessPolicies ?? []);
export const requestCosts = modules.flatMap((m) => m.requestCosts ?? []);
