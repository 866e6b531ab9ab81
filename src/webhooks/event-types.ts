// The catalogue of event types is the spec's top-level `webhooks:` section (OpenAPI 3.1): each
// entry gives the payload schema, the read scope a subscriber needs (`x-required-scope`) and the
// SQL function rendering its data (`x-render-function`). `make generate` derives
// generated/event-types.ts from it; this module is the delivery code's view of that list.
import { eventTypes, type EventType, type EventTypeInfo } from '../../generated/event-types';

export type { EventType, EventTypeInfo };
export const EVENT_TYPES: readonly EventTypeInfo[] = eventTypes;

/** Sent by POST /webhooks/{id}/test only (`x-subscribable: false`). */
export const TEST_EVENT_TYPE = 'webhook.test' satisfies EventType;

const byType = new Map<string, EventTypeInfo>(EVENT_TYPES.map((t) => [t.type, t]));

export function eventTypeInfo(type: string): EventTypeInfo | undefined {
  return byType.get(type);
}
