/**
 * events.k8s.io/v1 is another view of the same Events (the API server converts): regarding is
 * involvedObject, note is message, reportingController is reportingComponent, and the legacy
 * count/source/first/lastTimestamp become deprecated* fields.
 */
import type { Requirement } from '../selectors.js';
import type { KubeObject } from '../types.js';

/** The events.k8s.io/v1 form of a stored core/v1 Event. */
export function toEventsV1(event: KubeObject): KubeObject {
  const result: KubeObject = {
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: event.metadata,
    eventTime: event['eventTime'] ?? null,
    ...(event['series'] ? { series: event['series'] } : {}),
    reportingController: event['reportingComponent'] ?? '',
    reportingInstance: event['reportingInstance'] ?? '',
    ...(event['action'] ? { action: event['action'] } : {}),
    reason: event['reason'],
    regarding: event['involvedObject'],
    ...(event['related'] ? { related: event['related'] } : {}),
    note: event['message'],
    type: event['type'],
    deprecatedSource: event['source'] ?? {},
    deprecatedFirstTimestamp: event['firstTimestamp'] ?? null,
    deprecatedLastTimestamp: event['lastTimestamp'] ?? null,
  };
  if (typeof event['count'] === 'number' && event['count'] > 0) result['deprecatedCount'] = event['count'];
  return result;
}

/** The core/v1 Event to store for an events.k8s.io/v1 object written through the API. */
export function fromEventsV1(event: KubeObject): KubeObject {
  const result: KubeObject = {
    apiVersion: 'v1', kind: 'Event', metadata: event.metadata,
    involvedObject: event['regarding'] ?? {}, reason: event['reason'], message: event['note'] ?? '', type: event['type'],
    source: event['deprecatedSource'] ?? {}, firstTimestamp: event['deprecatedFirstTimestamp'] ?? null, lastTimestamp: event['deprecatedLastTimestamp'] ?? null,
    eventTime: event['eventTime'] ?? null, reportingComponent: event['reportingController'] ?? '', reportingInstance: event['reportingInstance'] ?? '',
    ...(event['series'] ? { series: event['series'] } : {}), ...(event['action'] ? { action: event['action'] } : {}), ...(event['related'] ? { related: event['related'] } : {}),
  };
  if (typeof event['deprecatedCount'] === 'number') result['count'] = event['deprecatedCount'];
  return result;
}

const fieldMap: [string, string][] = [
  ['regarding.', 'involvedObject.'], ['note', 'message'], ['reportingController', 'reportingComponent'],
  ['deprecatedSource.', 'source.'], ['deprecatedCount', 'count'], ['deprecatedFirstTimestamp', 'firstTimestamp'], ['deprecatedLastTimestamp', 'lastTimestamp'],
];

/** Field selectors written against events.k8s.io/v1 fields, as stored-field selectors. */
export function eventsV1FieldSelector(requirements: Requirement[] | undefined): Requirement[] | undefined {
  return requirements?.map((requirement) => {
    const match = fieldMap.find(([view]) => requirement.key === view || (view.endsWith('.') && requirement.key.startsWith(view)));
    return match ? { ...requirement, key: match[1] + requirement.key.slice(match[0].length) } : requirement;
  });
}
