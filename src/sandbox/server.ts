import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { ApiError } from './api-error.js';
import type { SandboxCluster } from './cluster.js';
import {
  aggregatedDiscovery, aggregatedDiscoveryContentType, legacyApiGroup, legacyApiGroupList, legacyApiVersions,
  legacyResourceList, openApiDocument, openApiIndex,
} from './discovery.js';
import { sendError, sendJson } from './http-io.js';
import { handleResource, type ResourceRequest } from './resource-handlers.js';
import { findResourceType } from './resources.js';

/** The running HTTPS API server. */
export interface ApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** What `/version` answers: kubectl's dispatcher picks its client (1.32) from `minor`. */
export const serverVersion = {
  major: '1', minor: '32', gitVersion: 'v1.32.4', gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335', gitTreeState: 'clean',
  buildDate: '2025-04-22T16:02:27Z', goVersion: 'go1.23.6', compiler: 'gc', platform: 'linux/amd64',
};

const unauthenticatedPaths = new Set(['/healthz', '/livez', '/readyz']);

function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(/^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** Splits an API path into a resource request, or returns undefined when it is not one. */
export function parseResourcePath(pathname: string, query: URLSearchParams): ResourceRequest | undefined {
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 2) {
    group = '';
    version = segments[1] ?? '';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 3) {
    group = segments[1] ?? '';
    version = segments[2] ?? '';
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  if (rest.length === 0) return undefined;
  let watch = false;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (!plural || extra.length > 0) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  const type = findResourceType(group, version, plural);
  if (!type) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (!type.namespaced && namespace) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (type.namespaced && !namespace && name) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  const request: ResourceRequest = { type, watch, query };
  if (namespace) request.namespace = namespace;
  if (name) request.name = name;
  if (subresource) request.subresource = subresource;
  return request;
}

function wantsAggregated(request: IncomingMessage): boolean {
  return /g=apidiscovery\.k8s\.io;\s*v=v2(;|,|$)/.test(String(request.headers.accept ?? '')) || /apidiscovery\.k8s\.io;v=v2;as=APIGroupDiscoveryList/.test(String(request.headers.accept ?? ''));
}

function handleNonResource(request: IncomingMessage, response: ServerResponse, pathname: string, serverAddress: string): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const segments = pathname.split('/').filter(Boolean);
  if (unauthenticatedPaths.has(pathname)) {
    response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('ok');
    return true;
  }
  if (pathname === '/version') return sendJson(response, 200, serverVersion), true;
  if (pathname === '/api') {
    if (wantsAggregated(request)) sendJson(response, 200, aggregatedDiscovery(true), aggregatedDiscoveryContentType);
    else sendJson(response, 200, legacyApiVersions(serverAddress));
    return true;
  }
  if (pathname === '/apis') {
    if (wantsAggregated(request)) sendJson(response, 200, aggregatedDiscovery(false), aggregatedDiscoveryContentType);
    else sendJson(response, 200, legacyApiGroupList());
    return true;
  }
  if (segments[0] === 'api' && segments.length === 2) {
    const list = legacyResourceList('', segments[1] ?? '');
    if (!list) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    sendJson(response, 200, list);
    return true;
  }
  if (segments[0] === 'apis' && segments.length === 2) {
    const group = legacyApiGroup(segments[1] ?? '');
    if (!group) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    sendJson(response, 200, group);
    return true;
  }
  if (segments[0] === 'apis' && segments.length === 3) {
    const list = legacyResourceList(segments[1] ?? '', segments[2] ?? '');
    if (!list) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    sendJson(response, 200, list);
    return true;
  }
  if (pathname === '/openapi/v3') return sendJson(response, 200, openApiIndex()), true;
  if (segments[0] === 'openapi' && segments[1] === 'v3') {
    const document = segments[2] === 'api' ? openApiDocument('', segments[3] ?? '') : openApiDocument(segments[3] ?? '', segments[4] ?? '');
    if (!document) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    sendJson(response, 200, document);
    return true;
  }
  if (segments[0] === 'openapi') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  return false;
}

/**
 * Starts the HTTPS API server for a cluster. Every request needs the bearer token (kubectl never
 * sends credentials over plain http, hence TLS). Handler errors become Status answers; nothing a
 * client sends can take the process down.
 */
export async function startApiServer(options: {
  cluster: SandboxCluster; token: string; host: string; port: number; certificatePem: string; privateKeyPem: string;
}): Promise<ApiServer> {
  const { cluster, token } = options;
  const longLived = new Set<() => void>();
  const sockets = new Set<Socket>();
  let serverAddress = `${options.host}:${options.port}`;
  const server: Server = createServer({ cert: options.certificatePem, key: options.privateKeyPem }, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://sandbox.invalid');
    const handle = async () => {
      if (!unauthenticatedPaths.has(url.pathname) && !tokenMatches(request.headers.authorization, token)) {
        request.resume();
        throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      }
      if (handleNonResource(request, response, url.pathname, serverAddress)) return;
      const resource = parseResourcePath(url.pathname, url.searchParams);
      if (!resource) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      await handleResource({
        cluster, request, response,
        track: (close) => {
          longLived.add(close);
          return () => longLived.delete(close);
        },
      }, resource);
    };
    handle().catch((error: unknown) => {
      try {
        sendError(response, error);
      } catch {
        response.destroy();
      }
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  serverAddress = `${hostForUrl}:${port}`;
  return {
    url: `https://${hostForUrl}:${port}`,
    port,
    close: async () => {
      for (const close of [...longLived]) close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
