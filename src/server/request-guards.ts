/**
 * The hooks every request passes before any route: the connection limit (503 at the limit), the
 * Host and Origin checks (DNS rebinding, browsers), the bearer token (who the request is for the
 * audit log), and closing connections while the server shuts down.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConnectionGuard } from './connection-guard.js';
import { errorBody } from './error-replies.js';
import { checkRequestOrigin } from './request-origin.js';

/** What the guards need from the server. */
export interface RequestGuardsContext {
  connections: ConnectionGuard;
  /** server.maxConnections, for the 503's message. */
  maxConnections: number;
  /** The server's token; undefined: loopback only, no token asked. */
  token: string | undefined;
  /** The user a bearer token belongs to; undefined for a missing or wrong token. */
  checkBearer(authorization: string | undefined): string | undefined;
  /** Where an authenticated request's user is kept for the routes. */
  users: WeakMap<FastifyRequest, string>;
  isShuttingDown(): boolean;
}

/** Installs the guards on the server's app (before its routes). */
export function installRequestGuards(app: FastifyInstance, context: RequestGuardsContext): void {
  const { connections, token } = context;
  // Before anything else: a connection refused at the limit gets a 503 and nothing more.
  // (Callback-style hooks: they run on every request, and cost no promise.)
  app.addHook('onRequest', (request, reply, done) => {
    if (!connections.requestStarted(request.raw)) return done();
    reply
      .code(503)
      .header('connection', 'close')
      .header('retry-after', '1')
      .send(errorBody('SERVER_BUSY', `every connection is busy (server.maxConnections is ${context.maxConnections}); retry in a moment`));
  });
  // The whole request has arrived (body parsed): from here until answered, its connection is never evicted.
  app.addHook('preValidation', (request, _reply, done) => {
    connections.requestAccepted(request.raw);
    done();
  });
  app.addHook('onResponse', (request, _reply, done) => {
    connections.requestAnswered(request.raw);
    done();
  });

  app.addHook('onRequest', async (request, reply) => {
    // Before the token and on every route (/health too): a browser must never get an answer.
    const refusal = checkRequestOrigin(request.headers, token !== undefined);
    if (refusal) {
      return reply.code(403).send(errorBody(refusal.code, refusal.message, {
        hint: refusal.code === 'HOST_NOT_ALLOWED' ? 'call http://127.0.0.1:<port>/ or http://localhost:<port>/ directly, not through another host name' : 'call the server from a script, an agent or curl, not from a web page',
      }));
    }
    if (request.url === '/health' || request.url.startsWith('/health?')) return;
    const user = context.checkBearer(request.headers.authorization);
    if (user === undefined) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="rk8s"')
        .send(errorBody('UNAUTHORIZED', 'missing or invalid bearer token', { hint: 'send Authorization: Bearer <RK8S_SERVER_TOKEN>' }));
    }
    context.users.set(request, user);
  });

  // While shutting down, answers close their connection: a kept-alive socket would hold close() open.
  app.addHook('onSend', async (_request, reply) => {
    if (context.isShuttingDown()) reply.header('connection', 'close');
  });
}
