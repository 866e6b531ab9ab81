// Every operationId in the spec → its handler. Exhaustive by type: a missing one fails `tsc`.
import type { AccessPolicy } from '../src/auth/authenticate';
import type { HandlerMap } from '../src/handler';
import { posApiAccess } from './pos/access-policy';
import { getHealth } from './platform/getHealth';
// --- Access module imports (issue 3) ---
import { createApiKey } from './access/createApiKey';
import { getApiKey } from './access/getApiKey';
import { listApiKeys } from './access/listApiKeys';
import { listAuditEvents } from './access/listAuditEvents';
import { revokeApiKey } from './access/revokeApiKey';
import { getMe } from './auth/getMe';
import { getWhoami } from './auth/getWhoami';
import { login } from './auth/login';
import { logout } from './auth/logout';
// --- end Access module imports ---
// --- POS module imports (issue 4) ---
import { getClient } from './pos/getClient';
import { getFamille } from './pos/getFamille';
import { getProduit } from './pos/getProduit';
import { getPromotion } from './pos/getPromotion';
import { getTicket } from './pos/getTicket';
import { listClients } from './pos/listClients';
import { listFamilles } from './pos/listFamilles';
import { listProduits } from './pos/listProduits';
import { listPromotions } from './pos/listPromotions';
import { listTickets } from './pos/listTickets';
// --- end POS module imports ---
// --- Webhooks module imports (issue 5) ---
import { createWebhook } from './webhooks/createWebhook';
import { deleteWebhook } from './webhooks/deleteWebhook';
import { getWebhook } from './webhooks/getWebhook';
import { listWebhookDeliveries } from './webhooks/listWebhookDeliveries';
import { listWebhookEventTypes } from './webhooks/listWebhookEventTypes';
import { listWebhooks } from './webhooks/listWebhooks';
import { retryWebhookDelivery } from './webhooks/retryWebhookDelivery';
import { rotateWebhookSecret } from './webhooks/rotateWebhookSecret';
import { testWebhook } from './webhooks/testWebhook';
import { updateWebhook } from './webhooks/updateWebhook';
// --- end Webhooks module imports ---

export const handlers: HandlerMap = {
  getHealth,
  // --- Access module (issue 3) ---
  login,
  logout,
  getMe,
  getWhoami,
  listApiKeys,
  createApiKey,
  getApiKey,
  revokeApiKey,
  listAuditEvents,
  // --- end Access module ---
  // --- POS module (issue 4) ---
  listFamilles,
  getFamille,
  listProduits,
  getProduit,
  listClients,
  getClient,
  listTickets,
  getTicket,
  listPromotions,
  getPromotion,
  // --- end POS module ---
  // --- Webhooks module (issue 5) ---
  listWebhooks,
  createWebhook,
  getWebhook,
  updateWebhook,
  deleteWebhook,
  testWebhook,
  listWebhookDeliveries,
  retryWebhookDelivery,
  rotateWebhookSecret,
  listWebhookEventTypes,
  // --- end Webhooks module ---
};

/** The modules' rules over whole organisations, applied to every authenticated request. */
export const accessPolicies: readonly AccessPolicy[] = [posApiAccess];
