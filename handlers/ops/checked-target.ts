// A connection's host, port and database, checked at creation and update: the form, the target
// network policy on what the host resolves to now, and not the API's own database. Each problem
// is a 400 naming its field. The same checks run again at every connection (target/connect-target.ts).
import { ApiError } from '../../src/errors';
import type { Ctx } from '../../src/handler';
import { looksLikeOwnDatabase } from './target/self-target';
import { hostFormProblem, portProblem, resolveTarget, systemLookup, targetPolicy, type TargetLookup } from './target/target-policy';

const invalid = (field: string, problem: string) =>
  new ApiError('VALIDATION_ERROR', `${field} ${problem}`, { details: [{ loc: ['body', field], msg: problem, type: 'target_policy' }] });

export async function checkTarget(ctx: Ctx, target: { host: string; port: number; database: string }, lookup: TargetLookup = systemLookup): Promise<void> {
  const policy = targetPolicy(ctx.config);
  const form = hostFormProblem(target.host);
  if (form) throw invalid('host', form);
  const port = portProblem(target.port, policy);
  if (port) throw invalid('port', port);
  const resolved = await resolveTarget(target.host, policy, lookup);
  // A name that does not resolve yet is accepted: it is resolved and checked at every connection.
  if (!resolved.ok && !resolved.unresolved) throw invalid('host', resolved.problem);
  if (resolved.ok && (await looksLikeOwnDatabase(ctx.db, resolved.addresses, target.port, target.database))) {
    throw invalid('database', "must not be the API's own database");
  }
}
