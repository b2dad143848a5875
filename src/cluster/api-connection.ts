/**
 * How to reach the API server the way kubectl would, read from the kubeconfig kubectl is given, for
 * the reads rk8s makes straight from the API (cluster/api-lister.ts). Only a plain connection is
 * taken: an https server with its certificate authority, and a bearer token or a client certificate.
 * Anything kubectl does that this does not (exec and auth-provider plugins, impersonation, proxies,
 * basic auth, several kubeconfig files to merge, a field it does not know) means kubectl does the
 * read: the answer says why. It never throws.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadKubeconfigYaml } from './kubeconfig-yaml.js';
import type { Config } from '../schemas/config.js';
import { ownValue } from '../own-property.js';

/** A connection to one API server. */
export interface ApiConnection {
  server: URL;
  /** PEM or DER bytes of the certificate authority that signs the server's certificate. */
  ca: Buffer;
  /** The name checked against the server's certificate (tls-server-name), when not the server's host. */
  servername?: string;
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  /** The kubeconfig file and context it came from (for messages). */
  source: { file: string; context: string };
}

/** A connection, or why kubectl must make the read; with the files it was read from (to notice when they change). */
export type ApiConnectionAnswer = ({ connection: ApiConnection } | { fallback: string }) & { files: string[] };

const CLUSTER_FIELDS = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'tls-server-name', 'insecure-skip-tls-verify', 'disable-compression', 'extensions']);
const USER_FIELDS = new Set(['token', 'tokenFile', 'client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'extensions']);
const CONTEXT_FIELDS = new Set(['cluster', 'user', 'namespace', 'extensions']);

type Entry = Record<string, unknown>;

/** The `field` of the first entry of a kubeconfig list named `name` (kubectl takes the first). */
function named(document: Entry, list: string, name: string, field: string): Entry | undefined {
  const entries = ownValue(document, list);
  if (!Array.isArray(entries)) return undefined;
  for (const entry of entries) {
    if (entry && typeof entry === 'object' && (entry as Entry).name === name) {
      const value = ownValue(entry as Entry, field);
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as Entry) : {};
    }
  }
  return undefined;
}

/** A name given twice in a kubeconfig list: kubectl refuses the whole file. */
function duplicateName(document: Entry): string | undefined {
  for (const list of ['clusters', 'users', 'contexts']) {
    const entries = ownValue(document, list);
    if (!Array.isArray(entries)) continue;
    const seen = new Set<unknown>();
    for (const entry of entries) {
      const name = entry && typeof entry === 'object' ? (entry as Entry).name : undefined;
      if (seen.has(name)) return `${list} names ${String(name)} twice`;
      seen.add(name);
    }
  }
  return undefined;
}

function unknownField(entry: Entry, known: ReadonlySet<string>): string | undefined {
  return Object.keys(entry).find((key) => !known.has(key) && entry[key] !== undefined && entry[key] !== null && entry[key] !== '');
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Bytes from a `*-data` field (base64) or a file field (relative to the kubeconfig's folder). */
function bytesOf(entry: Entry, dataField: string, fileField: string, directory: string, files: string[]): Buffer | { fallback: string } | undefined {
  const data = text(ownValue(entry, dataField));
  if (data !== undefined) return Buffer.from(data, 'base64');
  const file = text(ownValue(entry, fileField));
  if (file === undefined) return undefined;
  files.push(path.resolve(directory, file));
  try {
    return readFileSync(path.resolve(directory, file));
  } catch (error) {
    return { fallback: `${fileField} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
}

/** The kubeconfig file kubectl reads for this config, or why there is not exactly one. */
function kubeconfigFile(config: Config, environment: NodeJS.ProcessEnv): string | { fallback: string } {
  // config.kubectl.kubeconfig reaches kubectl as --kubeconfig; without it kubectl reads $KUBECONFIG, else ~/.kube/config.
  const list = config.kubectl.kubeconfig ?? environment.KUBECONFIG;
  if (list === undefined || list.trim() === '') return path.join(os.homedir(), '.kube', 'config');
  const files = list.split(path.delimiter).filter((file) => file !== '');
  if (files.length !== 1) return { fallback: 'the kubeconfig is a list of files (kubectl merges them)' };
  return files[0]!;
}

/** Reads the connection kubectl would use (see the module comment): a few small files, read at once so a worker can start before the caller's next await. */
export function resolveApiConnection(config: Config, environment: NodeJS.ProcessEnv = process.env): ApiConnectionAnswer {
  const files: string[] = [];
  return { ...resolveFrom(config, environment, files), files };
}

function resolveFrom(config: Config, environment: NodeJS.ProcessEnv, files: string[]): { connection: ApiConnection } | { fallback: string } {
  if (config.kubectl.apiReads === false) return { fallback: 'API reads are off (RK8S_API_READS)' };
  const file = kubeconfigFile(config, environment);
  if (typeof file !== 'string') return file;
  files.push(file);
  let document: unknown;
  try {
    document = loadKubeconfigYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    return { fallback: `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'not YAML'})` };
  }
  if (!document || typeof document !== 'object') return { fallback: `${file} is not a kubeconfig` };
  const kubeconfig = document as Entry;
  const twice = duplicateName(kubeconfig);
  if (twice !== undefined) return { fallback: `${file} ${twice} (kubectl refuses it)` };
  const contextName = config.kubectl.context ?? text(kubeconfig['current-context']);
  if (contextName === undefined) return { fallback: 'no context is set' };
  const context = named(kubeconfig, 'contexts', contextName, 'context');
  if (!context) return { fallback: `no context ${contextName} in ${file}` };
  const clusterName = text(context.cluster);
  const userName = text(context.user);
  const cluster = clusterName === undefined ? undefined : named(kubeconfig, 'clusters', clusterName, 'cluster');
  const user = userName === undefined ? {} : named(kubeconfig, 'users', userName, 'user');
  if (!cluster || !user) return { fallback: `context ${contextName} names a cluster or user ${file} does not have` };
  const odd = unknownField(context, CONTEXT_FIELDS) ?? unknownField(cluster, CLUSTER_FIELDS) ?? unknownField(user, USER_FIELDS);
  if (odd !== undefined) return { fallback: `the kubeconfig sets ${odd}, which only kubectl handles` };
  if (cluster['insecure-skip-tls-verify'] === true) return { fallback: 'insecure-skip-tls-verify is set' };

  let server: URL;
  try {
    server = new URL(String(cluster.server));
  } catch {
    return { fallback: `the server ${String(cluster.server)} is not a URL` };
  }
  if (server.protocol !== 'https:') return { fallback: `the server is not https (${server.protocol})` };
  if (server.username !== '' || server.password !== '' || server.search !== '' || server.hash !== '') return { fallback: 'the server URL carries credentials or a query' };
  // Go (so kubectl) takes the first of the two that is not empty.
  const proxy = [ownValue(environment, 'HTTPS_PROXY'), ownValue(environment, 'https_proxy')].find((value) => value !== undefined && value.trim() !== '');
  if (proxy !== undefined && !isLoopback(server.hostname)) return { fallback: 'HTTPS_PROXY is set' };

  const directory = path.dirname(path.resolve(file));
  const ca = bytesOf(cluster, 'certificate-authority-data', 'certificate-authority', directory, files);
  if (ca === undefined) return { fallback: 'no certificate-authority (kubectl would use the system trust store)' };
  if (!Buffer.isBuffer(ca)) return ca;
  const cert = bytesOf(user, 'client-certificate-data', 'client-certificate', directory, files);
  const key = bytesOf(user, 'client-key-data', 'client-key', directory, files);
  if (cert && !Buffer.isBuffer(cert)) return cert;
  if (key && !Buffer.isBuffer(key)) return key;
  if ((cert === undefined) !== (key === undefined)) return { fallback: 'a client certificate without its key (or a key without its certificate)' };
  if (text(user.token) !== undefined && text(user.tokenFile) !== undefined) return { fallback: 'both token and tokenFile are set' };
  let token = text(user.token);
  const tokenFile = text(user.tokenFile);
  if (tokenFile !== undefined) {
    files.push(path.resolve(directory, tokenFile));
    try {
      token = readFileSync(path.resolve(directory, tokenFile), 'utf8').trim();
    } catch (error) {
      return { fallback: `tokenFile ${tokenFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
    }
  }
  const servername = text(cluster['tls-server-name']);
  return {
    connection: {
      server, ca, source: { file, context: contextName },
      ...(servername === undefined ? {} : { servername }),
      ...(token === undefined ? {} : { token }),
      ...(cert && key ? { cert, key } : {}),
    },
  };
}
