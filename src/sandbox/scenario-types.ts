/** A failure the scenario injects into matching pods' containers. */
export interface Fault {
  /** What the container does: crash-loop, get OOM-killed, fail to pull its image, or exit with an error. */
  type: 'CrashLoopBackOff' | 'OOMKilled' | 'ImagePullBackOff' | 'Error';
  namespace?: string;
  /** Pod name, exact. */
  pod?: string;
  /** Pods whose name starts with this (e.g. every pod of a deployment). */
  podPrefix?: string;
  /** Container image, exact. */
  image?: string;
  /** Container name; default: the first container. */
  container?: string;
  /** Last log line of the failing container (crash reason). */
  message?: string;
}

/** One row of the sandbox user's RBAC table (what `kubectl auth can-i` answers from). */
export interface RbacRule {
  verbs: string[];
  /** Resources, `*` for all; `pods/log` style for subresources. */
  resources: string[];
  /** API groups; omitted means any. */
  apiGroups?: string[];
  /** Namespaces; omitted means every namespace and cluster-scoped resources. */
  namespaces?: string[];
  /** Non-resource URLs such as `/healthz`. */
  nonResourceURLs?: string[];
  /** A deny rule wins over allow rules. */
  deny?: boolean;
}
