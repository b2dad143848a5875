/** The shapes of the Kubernetes objects end-to-end tests read back from `kubectl get -o json` (as far as they read them). */

/** A list (`kubectl get <kind> -o json`). */
export interface List<T> {
  items: T[];
}

/** A status condition of a pod, node or workload. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
}

/** A core/v1 Event. */
export interface KubeEvent {
  type: string;
  reason: string;
  message: string;
  count?: number;
  series?: { count: number; lastObservedTime: string };
  eventTime?: string | null;
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  reportingComponent?: string;
  source?: { component?: string; host?: string };
  involvedObject: { kind: string; name: string; fieldPath?: string };
}
