/**
 * Field numbers of the Kubernetes protobuf messages that `kubectl create <kind>` sends (its typed
 * clients post protobuf and have no JSON fallback). Taken from k8s.io/api generated.proto; only
 * the fields kubectl's generators and `create job --from` produce are listed, others are skipped.
 */

/** How one field is encoded. */
export type FieldType =
  | 'string' | 'int' | 'bool' | 'bytes' | 'quantity' | 'intOrString' | 'time'
  | 'map' | 'bytesMap' | 'quantityMap'
  | { message: string };

/** One field: its JSON name, encoding, and whether it repeats. */
export interface FieldSpec {
  name: string;
  type: FieldType;
  repeated?: boolean;
}

const message = (name: string): FieldType => ({ message: name });

/** Message name -> field number -> field. */
export const protobufSchema: Record<string, Record<number, FieldSpec>> = {
  ObjectMeta: {
    1: { name: 'name', type: 'string' }, 2: { name: 'generateName', type: 'string' }, 3: { name: 'namespace', type: 'string' },
    5: { name: 'uid', type: 'string' }, 6: { name: 'resourceVersion', type: 'string' }, 7: { name: 'generation', type: 'int' },
    11: { name: 'labels', type: 'map' }, 12: { name: 'annotations', type: 'map' },
    13: { name: 'ownerReferences', type: message('OwnerReference'), repeated: true }, 14: { name: 'finalizers', type: 'string', repeated: true },
  },
  OwnerReference: {
    1: { name: 'kind', type: 'string' }, 3: { name: 'name', type: 'string' }, 4: { name: 'uid', type: 'string' },
    5: { name: 'apiVersion', type: 'string' }, 6: { name: 'controller', type: 'bool' }, 7: { name: 'blockOwnerDeletion', type: 'bool' },
  },
  LabelSelector: {
    1: { name: 'matchLabels', type: 'map' }, 2: { name: 'matchExpressions', type: message('LabelSelectorRequirement'), repeated: true },
  },
  LabelSelectorRequirement: { 1: { name: 'key', type: 'string' }, 2: { name: 'operator', type: 'string' }, 3: { name: 'values', type: 'string', repeated: true } },
  ConfigMap: { 1: { name: 'metadata', type: message('ObjectMeta') }, 2: { name: 'data', type: 'map' }, 3: { name: 'binaryData', type: 'bytesMap' }, 4: { name: 'immutable', type: 'bool' } },
  Secret: {
    1: { name: 'metadata', type: message('ObjectMeta') }, 2: { name: 'data', type: 'bytesMap' }, 3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: 'map' }, 5: { name: 'immutable', type: 'bool' },
  },
  Namespace: { 1: { name: 'metadata', type: message('ObjectMeta') } },
  ServiceAccount: { 1: { name: 'metadata', type: message('ObjectMeta') } },
  Service: { 1: { name: 'metadata', type: message('ObjectMeta') }, 2: { name: 'spec', type: message('ServiceSpec') } },
  ServiceSpec: {
    1: { name: 'ports', type: message('ServicePort'), repeated: true }, 2: { name: 'selector', type: 'map' }, 3: { name: 'clusterIP', type: 'string' },
    4: { name: 'type', type: 'string' }, 5: { name: 'externalIPs', type: 'string', repeated: true }, 7: { name: 'sessionAffinity', type: 'string' },
    10: { name: 'externalName', type: 'string' },
  },
  ServicePort: {
    1: { name: 'name', type: 'string' }, 2: { name: 'protocol', type: 'string' }, 3: { name: 'port', type: 'int' },
    4: { name: 'targetPort', type: 'intOrString' }, 5: { name: 'nodePort', type: 'int' },
  },
  Deployment: { 1: { name: 'metadata', type: message('ObjectMeta') }, 2: { name: 'spec', type: message('DeploymentSpec') } },
  DeploymentSpec: {
    1: { name: 'replicas', type: 'int' }, 2: { name: 'selector', type: message('LabelSelector') }, 3: { name: 'template', type: message('PodTemplateSpec') },
    4: { name: 'strategy', type: message('DeploymentStrategy') }, 5: { name: 'minReadySeconds', type: 'int' }, 6: { name: 'revisionHistoryLimit', type: 'int' },
    7: { name: 'paused', type: 'bool' }, 9: { name: 'progressDeadlineSeconds', type: 'int' },
  },
  DeploymentStrategy: { 1: { name: 'type', type: 'string' }, 2: { name: 'rollingUpdate', type: message('RollingUpdateDeployment') } },
  RollingUpdateDeployment: { 1: { name: 'maxUnavailable', type: 'intOrString' }, 2: { name: 'maxSurge', type: 'intOrString' } },
  Job: { 1: { name: 'metadata', type: message('ObjectMeta') }, 2: { name: 'spec', type: message('JobSpec') } },
  JobSpec: {
    1: { name: 'parallelism', type: 'int' }, 2: { name: 'completions', type: 'int' }, 3: { name: 'activeDeadlineSeconds', type: 'int' },
    4: { name: 'selector', type: message('LabelSelector') }, 5: { name: 'manualSelector', type: 'bool' }, 6: { name: 'template', type: message('PodTemplateSpec') },
    7: { name: 'backoffLimit', type: 'int' }, 8: { name: 'ttlSecondsAfterFinished', type: 'int' }, 9: { name: 'completionMode', type: 'string' },
    10: { name: 'suspend', type: 'bool' }, 14: { name: 'podReplacementPolicy', type: 'string' },
  },
  CronJob: { 1: { name: 'metadata', type: message('ObjectMeta') }, 2: { name: 'spec', type: message('CronJobSpec') } },
  CronJobSpec: {
    1: { name: 'schedule', type: 'string' }, 2: { name: 'startingDeadlineSeconds', type: 'int' }, 3: { name: 'concurrencyPolicy', type: 'string' },
    4: { name: 'suspend', type: 'bool' }, 5: { name: 'jobTemplate', type: message('JobTemplateSpec') }, 6: { name: 'successfulJobsHistoryLimit', type: 'int' },
    7: { name: 'failedJobsHistoryLimit', type: 'int' }, 8: { name: 'timeZone', type: 'string' },
  },
  JobTemplateSpec: { 1: { name: 'metadata', type: message('ObjectMeta') }, 2: { name: 'spec', type: message('JobSpec') } },
  PodTemplateSpec: { 1: { name: 'metadata', type: message('ObjectMeta') }, 2: { name: 'spec', type: message('PodSpec') } },
  PodSpec: {
    1: { name: 'volumes', type: message('Volume'), repeated: true }, 2: { name: 'containers', type: message('Container'), repeated: true },
    3: { name: 'restartPolicy', type: 'string' }, 4: { name: 'terminationGracePeriodSeconds', type: 'int' }, 5: { name: 'activeDeadlineSeconds', type: 'int' },
    6: { name: 'dnsPolicy', type: 'string' }, 7: { name: 'nodeSelector', type: 'map' }, 8: { name: 'serviceAccountName', type: 'string' },
    9: { name: 'serviceAccount', type: 'string' }, 10: { name: 'nodeName', type: 'string' }, 11: { name: 'hostNetwork', type: 'bool' },
    14: { name: 'securityContext', type: message('Empty') }, 15: { name: 'imagePullSecrets', type: message('LocalObjectReference'), repeated: true },
    16: { name: 'hostname', type: 'string' }, 17: { name: 'subdomain', type: 'string' }, 19: { name: 'schedulerName', type: 'string' },
    20: { name: 'initContainers', type: message('Container'), repeated: true }, 21: { name: 'automountServiceAccountToken', type: 'bool' },
    22: { name: 'tolerations', type: message('Toleration'), repeated: true }, 24: { name: 'priorityClassName', type: 'string' }, 25: { name: 'priority', type: 'int' },
  },
  Empty: {},
  ResourceQuota: { 1: { name: 'metadata', type: message('ObjectMeta') }, 2: { name: 'spec', type: message('ResourceQuotaSpec') } },
  ResourceQuotaSpec: { 1: { name: 'hard', type: 'quantityMap' }, 2: { name: 'scopes', type: 'string', repeated: true } },
  PodDisruptionBudget: { 1: { name: 'metadata', type: message('ObjectMeta') }, 2: { name: 'spec', type: message('PodDisruptionBudgetSpec') } },
  PodDisruptionBudgetSpec: {
    1: { name: 'minAvailable', type: 'intOrString' }, 2: { name: 'selector', type: message('LabelSelector') },
    3: { name: 'maxUnavailable', type: 'intOrString' }, 4: { name: 'unhealthyPodEvictionPolicy', type: 'string' },
  },
  LocalObjectReference: { 1: { name: 'name', type: 'string' } },
  Toleration: {
    1: { name: 'key', type: 'string' }, 2: { name: 'operator', type: 'string' }, 3: { name: 'value', type: 'string' },
    4: { name: 'effect', type: 'string' }, 5: { name: 'tolerationSeconds', type: 'int' },
  },
  Volume: { 1: { name: 'name', type: 'string' }, 2: { name: '', type: message('VolumeSource') } },
  VolumeSource: {
    2: { name: 'emptyDir', type: message('Empty') }, 6: { name: 'secret', type: message('SecretVolumeSource') },
    10: { name: 'persistentVolumeClaim', type: message('ClaimSource') }, 19: { name: 'configMap', type: message('ConfigMapVolumeSource') },
  },
  SecretVolumeSource: { 1: { name: 'secretName', type: 'string' } },
  ConfigMapVolumeSource: { 1: { name: '', type: message('LocalObjectReference') } },
  ClaimSource: { 1: { name: 'claimName', type: 'string' }, 2: { name: 'readOnly', type: 'bool' } },
  Container: {
    1: { name: 'name', type: 'string' }, 2: { name: 'image', type: 'string' }, 3: { name: 'command', type: 'string', repeated: true },
    4: { name: 'args', type: 'string', repeated: true }, 5: { name: 'workingDir', type: 'string' }, 6: { name: 'ports', type: message('ContainerPort'), repeated: true },
    7: { name: 'env', type: message('EnvVar'), repeated: true }, 8: { name: 'resources', type: message('ResourceRequirements') },
    9: { name: 'volumeMounts', type: message('VolumeMount'), repeated: true }, 13: { name: 'terminationMessagePath', type: 'string' },
    14: { name: 'imagePullPolicy', type: 'string' }, 16: { name: 'stdin', type: 'bool' }, 18: { name: 'tty', type: 'bool' },
    20: { name: 'terminationMessagePolicy', type: 'string' },
  },
  ContainerPort: { 1: { name: 'name', type: 'string' }, 2: { name: 'hostPort', type: 'int' }, 3: { name: 'containerPort', type: 'int' }, 4: { name: 'protocol', type: 'string' } },
  EnvVar: { 1: { name: 'name', type: 'string' }, 2: { name: 'value', type: 'string' } },
  ResourceRequirements: { 1: { name: 'limits', type: 'quantityMap' }, 2: { name: 'requests', type: 'quantityMap' } },
  VolumeMount: { 1: { name: 'name', type: 'string' }, 2: { name: 'readOnly', type: 'bool' }, 3: { name: 'mountPath', type: 'string' }, 4: { name: 'subPath', type: 'string' } },
};
