/**
 * A TUI session over the pipeline's fake core: the real propose/previewDryRun/runApproved, fake
 * cards, validator, kubectl and audit log, plus a fixed cluster for the pickers.
 */
import { catalogFromCards, createCoreServices, createStatusStore, type StatusStore } from '../../components/core-services.js';
import type { ObjectItem, StatusInfo, TuiServices } from '../../components/services.js';
import type { Resource } from '../../src/schemas/vocabulary.js';
import { createFakeCore, type FakeCore, type FakeCoreOptions } from '../helpers/fake-core.js';

/** Namespaces of the fake cluster. */
export const FAKE_NAMESPACES = [
  { name: 'dev', status: 'Active' },
  { name: 'kube-system', status: 'Active' },
  { name: 'prod', status: 'Active' },
  { name: 'staging', status: 'Active' },
];

/** Objects of the fake cluster by "resource/namespace". */
export const FAKE_OBJECTS: Record<string, ObjectItem[]> = {
  'deployment/staging': [
    { name: 'api', status: '2/2 ready' },
    { name: 'web', status: '3/3 ready' },
    { name: 'worker', status: '0/1 ready' },
  ],
  'deployment/prod': [
    { name: 'api', status: '3/3 ready' },
    { name: 'web', status: '3/3 ready' },
  ],
  'pod/prod': [
    { name: 'api-7d9f-abcde', status: 'Running 1/1' },
    { name: 'cache-0', status: 'CrashLoopBackOff 0/1 5 restarts' },
  ],
  'pod/dev': [{ name: 'scratch', status: 'Running 1/1' }],
};

const TIERS: Record<string, string> = { prod: 'prod', staging: 'staging', dev: 'dev' };

/** A session: services for <App>, the fake core behind them, and the status store. */
export interface FakeSession {
  services: TuiServices;
  core: FakeCore;
  status: StatusStore;
  /** kubectl list queries the pickers made, as "resource/namespace". */
  listCalls: string[];
}

/** Builds a session. */
export function createFakeSession(options: FakeCoreOptions & { status?: Partial<StatusInfo> } = {}): FakeSession {
  const core = createFakeCore({
    owners: { 'prod/api-7d9f-abcde': { kind: 'Deployment', name: 'api' } },
    kubectl: (args) => {
      if (args[0] === 'rollout' && args[1] === 'restart') return { stdout: [`${args[2]!.replace('deployment/', 'deployment.apps/')} restarted`] };
      if (args[0] === 'get') return { stdout: ['NAME READY STATUS', 'scratch 1/1 Running'] };
      return { stdout: ['ok'] };
    },
    ...options,
  });
  const status = createStatusStore({
    planner: 'template',
    embedder: 'fake-v1',
    auditLogPath: core.auditLog.path,
    context: 'rk8s-sandbox',
    server: 'https://127.0.0.1:6443',
    sandbox: true,
    readOnly: options.readOnly ?? false,
    ...options.status,
  });
  const listCalls: string[] = [];
  const services = createCoreServices({
    catalog: catalogFromCards(core.cards.values()),
    core: Promise.resolve(core),
    status,
    listNamespaces: async () => FAKE_NAMESPACES,
    listObjects: async (_core, resource: Resource, namespace, signal) => {
      signal.throwIfAborted();
      listCalls.push(`${resource}/${namespace ?? ''}`);
      return FAKE_OBJECTS[`${resource}/${namespace ?? ''}`] ?? [];
    },
  });
  // The fake core has no Policy object; give the pickers the tiers a real policy would.
  const listNamespaces = services.listNamespaces.bind(services);
  services.listNamespaces = async (signal) => (await listNamespaces(signal)).map((entry) => ({ ...entry, ...(TIERS[entry.name] ? { tier: TIERS[entry.name] } : {}) }));
  return { services, core, status, listCalls };
}
