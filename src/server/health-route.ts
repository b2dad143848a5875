/**
 * GET /health: 200 when the server can serve, 503 while its core loads, failed to load, or the
 * server shuts down. With a token, a caller without it learns only the status; with it (or on a
 * loopback server without a token), what runs here: versions, planner, index, kubectl, queue, connections.
 */
import type { FastifyInstance } from 'fastify';
import { packageVersion } from '../config/paths.js';
import type { Config } from '../schemas/config.js';
import type { ConnectionGuard } from './connection-guard.js';
import type { ServerCore } from './server-core.js';

/** What the route needs from the server. */
export interface HealthRouteContext {
  config: Config;
  serverCore: ServerCore;
  connections: ConnectionGuard;
  token: string | undefined;
  checkBearer(authorization: string | undefined): string | undefined;
  /** Where kubectl was found on the PATH (undefined: not found). */
  kubectlFound: Promise<string | undefined>;
  /** When the server was built (epoch ms), for the uptime. */
  startedAt: number;
}

/** Registers GET /health on the server's app. */
export function registerHealthRoute(app: FastifyInstance, context: HealthRouteContext): void {
  const { serverCore, token } = context;
  app.get('/health', async (request, reply) => {
    const found = await context.kubectlFound;
    const ready = serverCore.phase === 'ready';
    const status = serverCore.phase === 'ready' ? 'ok' : serverCore.phase;
    // With a token, only a caller holding it learns what runs here (versions, paths, policy).
    if (token !== undefined && context.checkBearer(request.headers.authorization) === undefined) {
      return reply.code(ready ? 200 : 503).send({ status });
    }
    const core = ready ? await serverCore.ready : undefined;
    const startupError = serverCore.startupError;
    const body = {
      status,
      version: packageVersion(),
      uptime_seconds: Math.round((Date.now() - context.startedAt) / 1000),
      planner: core
        ? { kind: core.planner.kind, ...(core.planner.model ? { model: core.planner.model } : {}), model_loaded: core.planner.kind === 'llm' ? serverCore.modelLoaded : null }
        : null,
      embedder: core?.retriever.embedderId ?? null,
      index_size: core?.retriever.size ?? null,
      kubectl: { path: context.config.kubectl.path, found: found !== undefined },
      policy_version: core?.validator.policyVersion ?? null,
      queue: serverCore.queue?.stats() ?? null,
      running_commands: serverCore.drain?.runningCommands ?? 0,
      connections: context.connections.stats(),
      auth: token === undefined ? 'none (loopback only)' : 'bearer',
      ...(startupError ? { error: startupError } : {}),
    };
    return reply.code(ready ? 200 : 503).send(body);
  });
}
