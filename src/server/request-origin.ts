/**
 * Host and Origin checks against DNS rebinding and browser-driven requests. A web page can make a
 * browser send requests to 127.0.0.1 (a rebound DNS name, or a plain cross-site POST); the browser
 * then sends that page's name as Host and its origin as Origin. The token-less loopback server
 * accepts only loopback names, and no server accepts a request a foreign page started.
 */

/** Host names (without port) a token-less loopback server answers to. */
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why a request was refused: an error code and a message naming the header. */
export interface OriginRefusal {
  code: 'HOST_NOT_ALLOWED' | 'ORIGIN_NOT_ALLOWED';
  message: string;
}

/** The host name of a Host header value ("localhost:8000" -> "localhost", "[::1]:80" -> "[::1]"), lower-cased; undefined when malformed. */
export function hostnameOf(host: string): string | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  return match?.[1]?.toLowerCase();
}

/** True for an Origin header value that is a loopback web origin (http or https, any port). */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes the opaque "null" origin of sandboxed frames and file: pages
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username !== '' || url.password !== '' || (url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') return false;
  return LOOPBACK_HOSTNAMES.has(url.hostname.toLowerCase());
}

/**
 * Checks a request's Host and Origin headers. Without a token (loopback only) the Host must name
 * 127.0.0.1, localhost or [::1]; with or without one, an Origin header must be a loopback origin.
 * Returns undefined when the request may proceed.
 */
export function checkRequestOrigin(headers: { host?: string; origin?: string | string[] }, tokenConfigured: boolean): OriginRefusal | undefined {
  if (!tokenConfigured) {
    const hostname = headers.host === undefined ? undefined : hostnameOf(headers.host);
    if (hostname === undefined || !LOOPBACK_HOSTNAMES.has(hostname)) {
      return {
        code: 'HOST_NOT_ALLOWED',
        message: `Host header ${headers.host === undefined ? '(missing)' : JSON.stringify(headers.host)} is not 127.0.0.1, localhost or [::1]: without RK8S_SERVER_TOKEN this server answers loopback names only (DNS rebinding protection)`,
      };
    }
  }
  const origin = headers.origin;
  if (origin !== undefined) {
    const values = Array.isArray(origin) ? origin : [origin];
    const foreign = values.find((value) => !isLoopbackOrigin(value));
    if (foreign !== undefined || values.length !== 1) {
      return {
        code: 'ORIGIN_NOT_ALLOWED',
        message: `Origin ${JSON.stringify(foreign ?? values.join(', '))} is not a loopback origin: web pages may not drive rk8s (call it from a script, an agent or curl, which send no Origin)`,
      };
    }
  }
  return undefined;
}
