// The configuration the webhook engine reads (see src/config.ts, "Webhooks").
import type { Config } from '../config';
import { DEVELOPMENT_SECRETS_KEY } from './secrets';
import type { UrlPolicy } from './url-policy';

export type WebhookConfig = Pick<
  Config,
  'production' | 'webhookPollMs' | 'webhookConcurrency' | 'webhookTimeoutMs' | 'webhooksAllowInsecureUrls' | 'webhookSecretsKey' | 'webhookSecretsKeyPrevious'
>;

export const urlPolicy = (config: WebhookConfig): UrlPolicy => ({ allowInsecure: config.webhooksAllowInsecureUrls });

/** The key encrypting signing secrets at rest; production has no default. */
export function secretsKey(config: WebhookConfig): Buffer {
  if (config.webhookSecretsKey) return config.webhookSecretsKey;
  if (config.production) throw new Error('WEBHOOK_SECRETS_KEY is not set: webhook signing secrets cannot be stored or read');
  return DEVELOPMENT_SECRETS_KEY;
}

/** The keys a stored secret may be encrypted under: the current one first, then the previous one. */
export function secretsKeys(config: WebhookConfig): Buffer[] {
  return config.webhookSecretsKeyPrevious ? [secretsKey(config), config.webhookSecretsKeyPrevious] : [secretsKey(config)];
}
