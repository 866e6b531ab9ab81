// Attempts made by an API request (POST …/test, POST …/retry), outside any worker: one-off
// connections (no keep-alive pool in the API process), the same guard, signing and recording.
import type { Ctx } from '../handler';
import type { AttemptDeps } from './attempt';
import { createDeliveryAgents, type DeliveryAgents } from './guarded-agent';
import { secretsKeys, urlPolicy } from './settings';

const agents = new Map<boolean, DeliveryAgents>();

export function requestAttemptDeps(ctx: Ctx): AttemptDeps {
  const allowInsecure = ctx.config.webhooksAllowInsecureUrls;
  let a = agents.get(allowInsecure);
  if (!a) agents.set(allowInsecure, (a = createDeliveryAgents(allowInsecure, { keepAlive: false })));
  return { pool: ctx.db, clock: ctx.clock, agents: a, policy: urlPolicy(ctx.config), timeoutMs: ctx.config.webhookTimeoutMs, secretsKeys: secretsKeys(ctx.config) };
}
