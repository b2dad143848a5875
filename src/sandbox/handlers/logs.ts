/** GET pods/<name>/log: the container instance's lines, --previous, --tail, --since, --timestamps, -f. */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { ApiError, badRequest } from '../api-error.js';
import { formatLogLine, lineCount, logLine, resolveLogInstance, selectLogLines, type LogOptions } from '../logs.js';
import type { HandlerContext, ResourceRequest } from './handler-context.js';

function logOptions(query: URLSearchParams): LogOptions {
  const number = (name: string) => {
    const value = query.get(name);
    if (value === null) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0) throw badRequest(`${name}: Invalid value: "${value}": must be a non-negative integer`);
    return parsed;
  };
  const bool = (name: string) => ['1', 'true'].includes(query.get(name) ?? '');
  const options: LogOptions = { previous: bool('previous'), follow: bool('follow'), timestamps: bool('timestamps') };
  const container = query.get('container');
  if (container) options.container = container;
  const tailLines = number('tailLines');
  if (tailLines !== undefined) options.tailLines = tailLines;
  const sinceSeconds = number('sinceSeconds');
  if (sinceSeconds !== undefined) options.sinceSeconds = sinceSeconds;
  const sinceTime = query.get('sinceTime');
  if (sinceTime) options.sinceTime = sinceTime;
  const limitBytes = number('limitBytes');
  if (limitBytes !== undefined) options.limitBytes = limitBytes;
  return options;
}

/** A log request, streamed with follow=true until the pod goes or the client leaves. */
export function handleLogs(context: HandlerContext, resource: ResourceRequest): void {
  const { cluster, request, response } = context;
  if (!resource.name) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  const pod = cluster.store.mustGet(cluster.type('Pod'), resource.namespace, resource.name) as unknown as Pod;
  const options = logOptions(resource.query);
  const instance = resolveLogInstance(cluster, pod, options);
  const { first, last } = selectLogLines(instance, options);
  let text = '';
  for (let index = first; index < last; index += 1) text += formatLogLine(logLine(instance, index), options.timestamps);
  if (options.limitBytes !== undefined) text = text.slice(0, options.limitBytes);
  if (!options.follow || instance.endedAt !== undefined) {
    response.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
    response.end(text);
    return;
  }
  response.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  response.flushHeaders();
  if (text) response.write(text);
  let next = last;
  let finished = false;
  const interval = setInterval(() => {
    const available = lineCount(instance);
    const current = cluster.store.get(cluster.type('Pod'), resource.namespace, resource.name ?? '');
    if (!current || current.metadata.uid !== pod.metadata?.uid) return finish();
    for (; next < available; next += 1) response.write(formatLogLine(logLine(instance, next), options.timestamps));
  }, Math.min(500, instance.intervalMs));
  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(interval);
    untrack();
    response.end();
  };
  const untrack = context.track(finish);
  request.on('close', finish);
}

