import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { SandboxCluster } from '../cluster.js';
import { isActivePod, isPodReady, podFromTemplate, randomSuffix } from './pod-factory.js';
import { podsByOwner } from './replicaset-controller.js';

/** Job controller: runs pods until `completions` succeed, then marks the Job Complete. */
export function reconcileJobs(cluster: SandboxCluster): void {
  const type = cluster.type('Job');
  const owned = podsByOwner(cluster);
  for (const object of cluster.store.list(type)) {
    const job = object as unknown as Job;
    const conditions = job.status?.conditions ?? [];
    if (conditions.some((condition) => (condition.type === 'Complete' || condition.type === 'Failed') && condition.status === 'True')) continue;
    if (object.metadata.deletionTimestamp || job.spec?.suspend) continue;
    const pods = (owned.get(object.metadata.uid ?? '') ?? []) as unknown as Pod[];
    const active = pods.filter(isActivePod);
    const succeeded = pods.filter((pod) => pod.status?.phase === 'Succeeded').length;
    const failed = pods.filter((pod) => pod.status?.phase === 'Failed').length;
    const completions = job.spec?.completions ?? 1;
    const parallelism = job.spec?.parallelism ?? 1;
    const now = cluster.timestamp();
    const status: Record<string, unknown> = { ...job.status, startTime: job.status?.startTime ?? now, active: active.length, ready: active.filter(isPodReady).length, terminating: 0, uncountedTerminatedPods: {} };
    if (succeeded > 0) status['succeeded'] = succeeded;
    if (failed > 0) status['failed'] = failed;
    if (active.length === 0) delete status['active'];
    if (succeeded >= completions) {
      status['completionTime'] = now;
      status['conditions'] = [
        { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: now, lastTransitionTime: now, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
        { type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
      ];
      object['status'] = status;
      cluster.store.update(type, object);
      cluster.recordEvent(object, 'Normal', 'Completed', 'Job completed', 'job-controller');
      continue;
    }
    const wanted = Math.min(parallelism, completions - succeeded) - active.length;
    for (let index = 0; index < wanted; index += 1) {
      const pod = podFromTemplate(job.spec?.template, object, `${object.metadata.name}-${randomSuffix()}`);
      cluster.store.create(cluster.type('Pod'), pod);
      cluster.recordEvent(object, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'job-controller');
    }
    object['status'] = status;
    cluster.store.update(type, object);
  }
}
