import type { Container, ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { ApiError, badRequest } from './api-error.js';
import type { SandboxCluster } from './cluster.js';
import { containerFaults } from './controllers/pod-factory.js';
import { parseQuantity } from './quantity.js';
import type { Fault } from './scenario-types.js';

/** How long back logs reach (older lines count as rotated away, like a kubelet's log rotation). */
const retentionMs = 60 * 60 * 1000;

/** One container instance's log: lines at fixed intervals from `startedAt`, until `endedAt` if it stopped. */
export interface LogInstance {
  seed: string;
  startedAt: number;
  endedAt?: number;
  intervalMs: number;
  style: string;
  fault?: Fault;
  image: string;
  /** Exited 0 (a job's pod): the log ends with its success lines. */
  completed?: boolean;
  /** The container's memory limit in MiB (what an OOM-killed worker logs against). */
  limitMb?: number;
  /** A failing readiness probe: the app logs why its health check fails. */
  unhealthy?: Fault;
}

function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) value = Math.imul(value ^ text.charCodeAt(index), 0x01000193) >>> 0;
  return value;
}

function pick<T>(items: readonly T[], seed: number): T {
  return items[(seed >>> 0) % items.length] as T;
}

const paths = ['/v1/orders', '/v1/orders/{id}', '/v1/customers/{id}', '/v1/cart', '/healthz', '/v1/products', '/v1/checkout'] as const;
const methods = ['GET', 'GET', 'GET', 'POST', 'GET', 'PUT'] as const;

function startupLines(style: string, image: string): string[] {
  const version = image.split(':')[1] ?? 'latest';
  switch (style) {
    case 'envoy': return ['[info][main] initializing epoch 0 (base id=0, hot restart version=11.104)', '[info][config] loading 1 cluster(s), 2 listener(s)', '[info][upstream] cds: add 1 cluster(s), remove 0 cluster(s)', '[info][main] starting main dispatch loop'];
    case 'nginx': return ['/docker-entrypoint.sh: Configuration complete; ready for start up', 'nginx: [notice] using the "epoll" event method', `nginx: [notice] nginx/1.27.2`, 'nginx: [notice] start worker processes'];
    case 'postgres': return ['LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-gnu', 'LOG:  listening on IPv4 address "0.0.0.0", port 5432', 'LOG:  database system was shut down at 2026-01-01 00:00:00 UTC', 'LOG:  database system is ready to accept connections'];
    case 'coredns': return ['.:53', '[INFO] plugin/reload: Running configuration SHA512 = 1b226df79860026c6a52e67daa10d7f0d57ec5b023288ec00c5e05f93523c894', 'CoreDNS-1.11.3', 'linux/amd64, go1.22.5'];
    case 'exporter': return ['level=info msg="Starting node_exporter" version="(version=1.8.2)"', 'level=info msg="Enabled collectors" collectors=cpu,diskstats,filesystem,loadavg,meminfo,netdev', 'level=info msg="Listening on" address=[::]:9100'];
    case 'worker': return [`level=info msg="starting worker" version=${version}`, 'level=info msg="connected to queue" broker=redis://redis:6379 queues=emails,reports,webhooks', 'level=info msg="worker ready" concurrency=8'];
    default: return [`INFO  starting ${style} version=${version}`, 'INFO  loading config from /etc/app/config.yaml', 'INFO  connected to database pool=10', 'INFO  http server listening on :8080'];
  }
}

function steadyLine(style: string, seed: number, time: Date): string {
  const id = 1000 + (seed % 90_000);
  const latency = 3 + (seed % 180);
  const method = pick(methods, seed >>> 3);
  const path = pick(paths, seed >>> 5).replace('{id}', String(id));
  const status = seed % 53 === 0 ? 503 : seed % 17 === 0 ? 404 : method === 'POST' ? 201 : 200;
  switch (style) {
    case 'envoy': return `[${time.toISOString()}] "${method} ${path} HTTP/1.1" ${status} - 0 ${200 + (seed % 4000)} ${latency + 2} ${latency} "-" "Go-http-client/1.1" "${(seed * 2654435761 >>> 0).toString(16)}-4f2a" "api" "127.0.0.1:8080"`;
    case 'nginx': {
      const day = time.toUTCString().split(' ');
      const stamp = `${day[1]}/${day[2]}/${day[3]}:${day[4]} +0000`;
      return `10.244.${seed % 3 + 1}.${seed % 200 + 2} - - [${stamp}] "GET ${pick(['/', '/static/app.js', '/static/main.css', '/api/v1/products', '/favicon.ico'], seed)} HTTP/1.1" ${status === 201 ? 200 : status} ${500 + (seed % 9000)} "-" "Mozilla/5.0 (X11; Linux x86_64)"`;
    }
    case 'postgres': return seed % 5 === 0 ? `LOG:  checkpoint complete: wrote ${seed % 400} buffers (${(seed % 30) / 10}%); write=${(seed % 3000) / 100} s` : `LOG:  duration: ${latency}.${seed % 1000} ms  statement: SELECT * FROM orders WHERE id = ${id}`;
    case 'coredns': return `[INFO] 10.244.${seed % 3 + 1}.${seed % 200 + 2}:${30000 + (seed % 30000)} - ${seed % 65535} "A IN ${pick(['api', 'web', 'db', 'redis'], seed)}.prod.svc.cluster.local. udp 56 false 512" NOERROR qr,aa,rd 120 0.000${100 + (seed % 800)}s`;
    case 'exporter': return `level=info msg="scrape complete" duration_seconds=0.0${10 + (seed % 80)} collectors=12`;
    case 'worker': return seed % 29 === 0
      ? `level=warn msg="job retry scheduled" queue=webhooks job_id=${id} attempt=2 error="upstream timeout after 5s"`
      : `level=info msg="job processed" queue=${pick(['emails', 'reports', 'webhooks'], seed)} job_id=${id} duration=${latency * 3}ms`;
    default:
      if (status === 503) return `ERROR http: ${method} ${path} ${status} ${latency * 10}ms error="upstream db: context deadline exceeded"`;
      if (latency > 170) return `WARN  http: ${method} ${path} ${status} ${latency * 4}ms slow request`;
      return `INFO  http: ${method} ${path} ${status} ${latency}ms`;
  }
}

function failureLines(instance: LogInstance): string[] {
  const fault = instance.fault;
  if (!fault) return [];
  if (fault.type === 'OOMKilled') {
    const limit = instance.limitMb ?? 512;
    return [
      'level=info msg="loading batch" queue=reports size=50000',
      `level=warn msg="heap usage high" heap_mb=${Math.round(limit * 0.84)} limit_mb=${limit}`,
      `level=warn msg="heap usage high" heap_mb=${Math.round(limit * 0.97)} limit_mb=${limit}`,
      'level=info msg="building report" rows=1843211',
    ];
  }
  if (fault.type === 'LivenessFailure' || fault.type === 'StartError') return [];
  const message = fault.message ?? 'config: required key "DATABASE_URL" is not set';
  return [`ERROR ${message}`, `FATAL unable to start: ${message}`];
}

/** True when the instance dies at start-up: it logs only the lines before the failure, never "ready" lines. */
function diesAtStartup(instance: LogInstance): boolean {
  return instance.endedAt !== undefined && (instance.fault?.type === 'CrashLoopBackOff' || instance.fault?.type === 'Error' || instance.fault?.type === 'StartError');
}

/** Log style from the container name and image (api, nginx, postgres, envoy…). */
export function logStyle(container: Container): string {
  const text = `${container.name} ${container.image ?? ''}`;
  if (/envoy/.test(text)) return 'envoy';
  if (/nginx|web/.test(text)) return 'nginx';
  if (/postgres|db/.test(text)) return 'postgres';
  if (/coredns/.test(text)) return 'coredns';
  if (/exporter/.test(text)) return 'exporter';
  if (/worker|report|job/.test(text)) return 'worker';
  return container.name;
}

/** The text of line `index` of an instance and the time it was written. */
export function logLine(instance: LogInstance, index: number): { time: number; text: string } {
  const startup = startupLines(instance.style, instance.image);
  if (diesAtStartup(instance)) {
    // A process that fails at start-up gets as far as reading its configuration, then exits.
    const lines = [...startup.slice(0, 2), ...failureLines(instance)];
    const span = Math.max(1, (instance.endedAt ?? instance.startedAt) - instance.startedAt);
    const time = instance.startedAt + Math.floor((span * index) / Math.max(1, lines.length - 1));
    return { time: Math.min(time, instance.endedAt ?? time), text: lines[index] ?? '' };
  }
  // A little jitter within the interval so timestamps look like a real process wrote them.
  const time = instance.startedAt + index * instance.intervalMs + (hash(`${instance.seed}#${index}`) % Math.max(1, Math.min(999, Math.floor(instance.intervalMs / 2))));
  if (instance.endedAt !== undefined) {
    const failure = instance.completed ? ['level=info msg="report written" rows=1843211 destination=s3://reports/daily/', 'level=info msg="done" exit=0'] : failureLines(instance);
    const total = lineCount(instance);
    const fromEnd = total - index;
    if (fromEnd <= failure.length && failure.length > 0) return { time, text: failure[failure.length - fromEnd] ?? '' };
  }
  if (index < startup.length) return { time, text: startup[index] ?? '' };
  if (instance.unhealthy && index % 5 === 0) {
    const reason = instance.unhealthy.message ?? 'dependency check failed: upstream returned 503';
    return { time, text: `WARN  health: readiness check failed, answering ${instance.unhealthy.statusCode ?? 503}: ${reason}` };
  }
  return { time, text: steadyLine(instance.style, hash(`${instance.seed}/${index}`), new Date(time)) };
}

/** How many lines an instance has written by `now` (all of them if it ended). */
export function lineCount(instance: LogInstance, now = Date.now()): number {
  if (diesAtStartup(instance)) return 2 + failureLines(instance).length;
  const end = instance.endedAt ?? now;
  return Math.max(0, Math.floor((end - instance.startedAt) / instance.intervalMs) + 1);
}

/** Query parameters of GET pods/<name>/log. */
export interface LogOptions {
  container?: string;
  previous: boolean;
  follow: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  limitBytes?: number;
}

/** Picks the container instance a log request reads, or throws the API server's 400 message. */
export function resolveLogInstance(cluster: SandboxCluster, pod: Pod, options: LogOptions): LogInstance {
  const containers = pod.spec?.containers ?? [];
  const podName = pod.metadata?.name ?? '';
  let container: Container | undefined;
  if (options.container) {
    container = [...containers, ...(pod.spec?.initContainers ?? [])].find((entry) => entry.name === options.container);
    if (!container) throw badRequest(`container ${options.container} is not valid for pod ${podName}`);
  } else if (containers.length === 1) {
    container = containers[0];
  } else {
    throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${containers.map((entry) => entry.name).join(' ')}]`);
  }
  if (!container) throw badRequest(`pod ${podName} has no containers`);
  if (!pod.spec?.nodeName) throw badRequest(`pod ${podName} does not have a host assigned`);
  const appIndex = containers.indexOf(container);
  const init = appIndex < 0;
  const index = init ? (pod.spec?.initContainers ?? []).indexOf(container) : appIndex;
  const status: ContainerStatus | undefined = (init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses)?.find((entry) => entry.name === container.name);
  const faults = containerFaults(cluster, pod, container, index, init);
  const fault = faults.crash;
  const limit = parseQuantity(container.resources?.limits?.['memory'] as string | undefined);
  const base = {
    seed: `${pod.metadata?.uid}/${container.name}`, intervalMs: cluster.timings.logIntervalMs, style: logStyle(container), image: container.image ?? '',
    ...(limit > 0 ? { limitMb: Math.round(limit / 2 ** 20) } : {}), ...(faults.readiness ? { unhealthy: faults.readiness } : {}),
  };
  const last = status?.lastState?.terminated;
  const instanceOf = (terminated: { startedAt?: string; finishedAt?: string; exitCode: number; reason?: string }, seed: string): LogInstance => {
    const ended = Date.parse(terminated.finishedAt ?? '') || Date.now();
    const started = Math.min(ended, Date.parse(terminated.startedAt ?? '') || ended - 5 * base.intervalMs);
    const failed = terminated.exitCode !== 0;
    return { ...base, seed, ...(failed && fault ? { fault } : {}), ...(terminated.exitCode === 0 ? { completed: true } : {}), startedAt: started, endedAt: ended };
  };
  if (options.previous) {
    if (!last || (status?.restartCount ?? 0) === 0) throw badRequest(`previous terminated container "${container.name}" in pod "${podName}" not found`);
    if (status?.state?.waiting) {
      // The latest instance is the dead one in back-off; "previous" is the one before it, the same crash.
      const latest = instanceOf(last, `${base.seed}/latest`);
      const lived = (latest.endedAt ?? latest.startedAt) - latest.startedAt;
      const endedAt = latest.startedAt - Math.min(300_000, cluster.timings.restartBackOffMs * 30);
      return { ...latest, seed: `${base.seed}/previous`, startedAt: endedAt - lived, endedAt };
    }
    return instanceOf(last, `${base.seed}/previous`);
  }
  if (status?.state?.running?.startedAt) return { ...base, startedAt: Date.parse(status.state.running.startedAt) };
  const terminated = status?.state?.terminated ?? (status?.state?.waiting?.reason === 'CrashLoopBackOff' ? last : undefined);
  if (terminated) return instanceOf(terminated, `${base.seed}/latest`);
  const waiting = status?.state?.waiting;
  const reason = waiting?.reason === 'ImagePullBackOff' || waiting?.reason === 'ErrImagePull' ? 'trying and failing to pull image' : waiting?.reason ?? 'ContainerCreating';
  throw new ApiError(400, 'BadRequest', `container "${container.name}" in pod "${podName}" is waiting to start: ${reason}`);
}

/** Formats one line as the kubelet returns it (`--timestamps` prefixes RFC 3339 with nanoseconds). */
export function formatLogLine(line: { time: number; text: string }, timestamps: boolean): string {
  if (!timestamps) return `${line.text}\n`;
  const iso = new Date(line.time).toISOString();
  const nanos = String(hash(String(line.time)) % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 23)}${nanos}Z ${line.text}\n`;
}

/** The lines a non-follow request returns: retention, --since and --tail applied. */
export function selectLogLines(instance: LogInstance, options: LogOptions, now = Date.now()): { first: number; last: number } {
  const total = lineCount(instance, now);
  // A stopped container keeps its last hour of output until the pod goes away.
  let first = Math.max(0, Math.ceil(((instance.endedAt ?? now) - retentionMs - instance.startedAt) / instance.intervalMs));
  const since = options.sinceTime ? Date.parse(options.sinceTime) : options.sinceSeconds !== undefined ? now - options.sinceSeconds * 1000 : undefined;
  if (since !== undefined && !Number.isNaN(since)) first = Math.max(first, Math.ceil((since - instance.startedAt) / instance.intervalMs));
  if (options.tailLines !== undefined) first = Math.max(first, total - options.tailLines);
  return { first: Math.min(first, total), last: total };
}
