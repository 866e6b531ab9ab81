// The URL of a subscription, checked at creation and update: its form, then what it resolves to
// now. A problem is a 400 naming body.url.
import { ApiError } from '../../src/errors';
import type { Ctx } from '../../src/handler';
import { urlPolicy } from '../../src/webhooks/settings';
import { checkUrlForm, checkUrlResolution } from '../../src/webhooks/url-policy';

/** The URL as stored (normalised by the URL parser), or a VALIDATION_ERROR. */
export async function checkedUrl(ctx: Ctx, input: string): Promise<string> {
  const policy = urlPolicy(ctx.config);
  const form = checkUrlForm(input, policy);
  const problem = form.problem ?? (await checkUrlResolution(form.url!, policy));
  if (problem) throw new ApiError('VALIDATION_ERROR', `url ${problem}`, { details: [{ loc: ['body', 'url'], msg: problem, type: 'url' }] });
  return form.url!.href;
}
