// The configuration the webhook engine reads (see src/config.ts, "Webhooks").
import type { Config } from '../config';
import { DEVELOPMENT_SECRETS_KEY } from './secrets';
import type { UrlPolicy } from './url-policy';

export type WebhookConfig = Pick<
  Config,
  'production' | 'webhookPollMs' | 'webhookConcurrency' | 'webhookTimeoutMs' | 'webhooksAllowInsecureUrls' | 'webhookSecretsKey'
>;

export const urlPolicy = (config: WebhookConfig): UrlPolicy => ({ allowInsecure: config.webhooksAllowInsecureUrls });

/** The key encrypting signing secrets at rest; production has no default. */
export function secretsKey(config: WebhookConfig): Buffer {
  if (config.webhookSecretsKey) return config.webhookSecretsKey;
  if (config.production) throw new Error('WEBHOOK_SECRETS_KEY is not set: webhook signing secrets cannot be stored or read');
  return DEVELOPMENT_SECRETS_KEY;
}
