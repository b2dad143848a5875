/**
 * The API lister's network side, on a worker thread: TLS in Node is CPU on the thread that runs it
 * (~20 ms to build the root store the first time a process checks a certificate, then the
 * handshake), and the main thread is busy loading the core when name resolution starts. On a
 * thread of its own it uses the second core, and it connects while the core loads: nothing is
 * sent to the server until the main thread asks for a path, after the validator has allowed the
 * read. The worker only fetches: pagination, JSON, fallbacks and timeouts are the main thread's
 * (cluster/api-lister.ts).
 */
import { Worker } from 'node:worker_threads';

/** What the worker connects with (the connection of cluster/api-connection.ts, as plain data). */
export interface ApiWorkerData {
  host: string;
  port: number;
  /** The Host header: the server URL's host, as kubectl sends it. */
  hostHeader: string;
  servername?: string;
  ca: Uint8Array;
  cert?: Uint8Array;
  key?: Uint8Array;
}

/** One GET's answer: the status and body, or why there is none. */
export type ApiWorkerAnswer = { status: number; body: string } | { error: string };

interface ApiWorkerRequest {
  id: number;
  path: string;
  token?: string;
  maxBytes: number;
}

/**
 * The worker's whole program. It runs from its source text (`new Worker(source, { eval: true })`), so
 * it may use nothing from this module: only Node built-ins it requires itself.
 */
function apiWorkerMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports -- an eval'd worker has require(), not this module's imports */
  const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
  const https = require('node:https') as typeof import('node:https');
  const tls = require('node:tls') as typeof import('node:tls');
  /* eslint-enable @typescript-eslint/no-require-imports */
  // The root store (~20 ms, once per process, shared by every thread) is built now, before any connection is asked for.
  tls.createSecureContext({ ca: tls.rootCertificates[0] });
  let data: ApiWorkerData | undefined;
  let secureContext: ReturnType<typeof tls.createSecureContext> | undefined;
  const connect = () => tls.connect({ host: data!.host, port: data!.port, servername: data!.servername ?? (/^[\d.]+$|:/.test(data!.host) ? '' : data!.host), secureContext, ALPNProtocols: ['http/1.1'] });
  // One connection made ahead (the handshake while the main thread loads), taken by the first GET.
  let ready: ReturnType<typeof connect> | undefined;
  // Connections kept open between GETs, at most two at once: a namespace's six types cost two handshakes, not six.
  class Pool extends https.Agent {
    override createConnection(): ReturnType<typeof connect> {
      const socket = ready && !ready.destroyed ? ready : connect();
      ready = undefined;
      return socket;
    }
  }
  let agent: Pool | undefined;
  // The GETs in flight, to drop one the main thread gave up on (its socket closed, not left open).
  const inFlight = new Map<number, () => void>();
  parentPort!.on('message', (message: { connect: ApiWorkerData } | { cancel: number } | ApiWorkerRequest) => {
    if ('cancel' in message) {
      inFlight.get(message.cancel)?.();
      return;
    }
    if ('connect' in message) {
      // The first connection, or another one (the kubeconfig changed): the connections to the old one go.
      ready?.destroy();
      agent?.destroy();
      agent = new Pool({ keepAlive: true, maxSockets: 2, timeout: 30_000 });
      data = message.connect;
      secureContext = tls.createSecureContext({ ca: Buffer.from(data.ca), ...(data.cert && data.key ? { cert: Buffer.from(data.cert), key: Buffer.from(data.key) } : {}) });
      ready = connect();
      ready.on('error', () => undefined);
      return;
    }
    const request = message;
    let settled = false;
    // An answer in full leaves the connection to the pool; anything else closes it.
    const answer = (message: ApiWorkerAnswer, keep = false) => {
      if (settled) return;
      settled = true;
      inFlight.delete(request.id);
      if (!keep) outgoing.destroy();
      parentPort!.postMessage({ id: request.id, ...message });
    };
    inFlight.set(request.id, () => {
      settled = true;
      inFlight.delete(request.id);
      outgoing.destroy();
    });
    const outgoing = https.request(
      {
        // The pool's connections are ours (Pool.createConnection): never one of the default trust store.
        host: data!.host, port: data!.port, path: request.path, method: 'GET', agent,
        headers: { Accept: 'application/json', 'User-Agent': 'rk8s', Host: data!.hostHeader, ...(request.token ? { Authorization: `Bearer ${request.token}` } : {}) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > request.maxBytes) answer({ error: `the answer passed ${request.maxBytes} bytes` });
          else chunks.push(chunk);
        });
        response.on('end', () => answer({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }, true));
        response.on('error', (error) => answer({ error: error.message }));
      },
    );
    outgoing.on('error', (error) => answer({ error: error.message }));
    outgoing.end();
  });
}

/** GETs through a worker thread, connected to one API server. */
export interface ApiWorker {
  get(path: string, options: { token?: string; maxBytes: number; signal: AbortSignal }): Promise<ApiWorkerAnswer>;
  /** Connects to another server (the kubeconfig changed); later GETs go there. */
  reconnect(data: ApiWorkerData): void;
  close(): Promise<void>;
}

/** Where the entry point leaves a worker it started before the CLI loaded (one per process, taken once). */
const EARLY = Symbol.for('rk8s.api-worker.early');

function spawnWorker(): Worker {
  const worker = new Worker(`(${apiWorkerMain.toString()})()`, { eval: true });
  // Never keeps the process alive until a GET waits on it.
  worker.unref();
  return worker;
}

/**
 * Starts a worker for a later startApiWorker() to take, so it boots and builds its root store on
 * the second core while the CLI loads (launch.ts, for the commands that resolve names). It connects
 * to nothing until it is taken and given a connection.
 */
export function prestartApiWorker(): void {
  const global = globalThis as { [EARLY]?: Worker };
  global[EARLY] ??= spawnWorker();
}

/** Connects a worker (the one prestartApiWorker() left, else a new one) to a server. Throws only if a worker cannot start. */
export function startApiWorker(data: ApiWorkerData): ApiWorker {
  const global = globalThis as { [EARLY]?: Worker };
  const worker = global[EARLY] ?? spawnWorker();
  delete global[EARLY];
  const pending = new Map<number, (answer: ApiWorkerAnswer) => void>();
  let failed: string | undefined;
  const failAll = (why: string) => {
    failed ??= why;
    for (const settle of pending.values()) settle({ error: failed });
    pending.clear();
    worker.unref();
  };
  // Referenced only while a GET waits for its answer: the worker never keeps an idle process alive.
  const settled = (id: number) => {
    pending.delete(id);
    if (pending.size === 0) worker.unref();
  };
  worker.on('message', (message: { id: number } & ApiWorkerAnswer) => {
    const settle = pending.get(message.id);
    settled(message.id);
    const { id: _id, ...answer } = message;
    settle?.(answer as ApiWorkerAnswer);
  });
  worker.on('error', (error) => failAll(`the API worker failed (${error.message})`));
  worker.on('exit', () => failAll('the API worker stopped'));
  worker.unref();
  worker.postMessage({ connect: data });
  let next = 0;
  return {
    get(path, options) {
      if (failed) return Promise.resolve({ error: failed });
      const id = next++;
      return new Promise<ApiWorkerAnswer>((resolve) => {
        if (options.signal.aborted) return resolve({ error: 'aborted' });
        const onAbort = () => {
          settled(id);
          // The worker drops the GET and closes its connection.
          if (!failed) worker.postMessage({ cancel: id });
          resolve({ error: 'aborted' });
        };
        options.signal.addEventListener('abort', onAbort, { once: true });
        if (pending.size === 0) worker.ref();
        pending.set(id, (answer) => {
          options.signal.removeEventListener('abort', onAbort);
          resolve(answer);
        });
        worker.postMessage({ id, path, maxBytes: options.maxBytes, ...(options.token ? { token: options.token } : {}) } satisfies ApiWorkerRequest);
      });
    },
    reconnect(next) {
      if (!failed) worker.postMessage({ connect: next });
    },
    async close() {
      await worker.terminate();
    },
  };
}
