/** POST: create with server defaults, validation of what the API server validates here, and admission. */
import { randomUUID } from 'node:crypto';
import { admitCreate } from '../admission/admit.js';
import { ApiError } from '../api-error.js';
import { scheduleError } from '../controllers/cron-schedule.js';
import { randomSuffix } from '../controllers/pod-factory.js';
import { applyCreateDefaults } from '../defaults.js';
import { badRequest } from '../api-error.js';
import { sendJson } from '../http-io.js';
import type { ResourceType } from '../resources.js';
import type { KubeObject } from '../types.js';
import { asObject, isDryRun, methodNotAllowed, present, readObject, requireNamespace, stored, toStored, type HandlerContext, type ResourceRequest } from './handler-context.js';

/** Field validation the sandbox does (the rest is accepted as sent): a CronJob schedule must parse. */
export function validateObject(type: ResourceType, object: KubeObject): void {
  if (type.kind === 'CronJob') {
    const schedule = (object['spec'] as { schedule?: unknown } | undefined)?.schedule;
    const problem = typeof schedule === 'string' ? scheduleError(schedule) : 'Required value';
    if (problem) {
      const field = 'spec.schedule';
      const message = typeof schedule === 'string' ? `Invalid value: ${JSON.stringify(schedule)}: ${problem}` : problem;
      throw new ApiError(422, 'Invalid', `CronJob.batch "${object.metadata.name}" is invalid: ${field}: ${message}`, { name: object.metadata.name, group: 'batch', kind: 'CronJob', causes: [{ reason: 'FieldValueInvalid', message, field }] });
    }
  }
}

/** POST /…/plural. */
export async function handleCreate(context: HandlerContext, resource: ResourceRequest): Promise<void> {
  const { cluster } = context;
  const { type } = resource;
  if (resource.name) throw methodNotAllowed();
  const object = asObject(await readObject(context), type);
  if (object.metadata.namespace && resource.namespace && object.metadata.namespace !== resource.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (type.namespaced) object.metadata.namespace = resource.namespace;
  if (!object.metadata.name) {
    if (!object.metadata.generateName) throw new ApiError(422, 'Invalid', `${type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
    object.metadata.name = `${object.metadata.generateName}${randomSuffix()}`;
  }
  requireNamespace(cluster, resource.namespace);
  object.metadata.uid = randomUUID();
  delete object.metadata.resourceVersion;
  delete object.metadata.creationTimestamp;
  const storageType = stored(type);
  const defaulted = applyCreateDefaults(cluster, storageType, toStored(type, object));
  validateObject(storageType, defaulted);
  admitCreate(cluster, storageType, defaulted);
  const created = cluster.store.create(storageType, defaulted, { dryRun: isDryRun(resource.query) });
  sendJson(context.response, 201, present(type, created));
}
