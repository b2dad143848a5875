/** Who may call the HTTP server: loopback detection, bearer-token checks in constant time, and the audit user. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../errors.js';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for an IP literal in 127.0.0.0/8 or ::1 (IPv4-mapped forms included); false for any name. */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return false;
  return LOOPBACK.check(bare, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * True for a bind address that only accepts connections from this machine: a loopback IP literal,
 * or exactly `localhost`. Any other name is not loopback, whatever it resolves to today (a name
 * such as `foo.localhost` or one in /etc/hosts can point anywhere); and because `localhost` itself
 * is resolved when the server listens, the server also checks every address it actually bound
 * (see assertBoundToLoopback).
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase();
  return bare === 'localhost' || isLoopbackAddress(bare);
}

/**
 * Throws ConfigError when a token-less server ended up bound to an address that is not loopback
 * (`localhost` resolving to a LAN address): it must never be reachable from another machine.
 */
export function assertBoundToLoopback(host: string, addresses: readonly string[]): void {
  const exposed = addresses.filter((address) => !isLoopbackAddress(address));
  if (exposed.length === 0) return;
  throw new ConfigError(`refusing to serve without a token: ${host} resolved to ${exposed.join(', ')}, which is not a loopback address`, {
    hint: 'listen on 127.0.0.1 or ::1, fix the name resolution of localhost, or set RK8S_SERVER_TOKEN',
  });
}

/** Shortest token accepted: a guessable token on a network port is worse than none. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Throws ConfigError unless the bind address is safe: any non-loopback host needs a token, and a
 * token, when given, must be long enough to resist guessing.
 */
export function assertServerExposure(host: string, token: string | undefined): void {
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError(`RK8S_SERVER_TOKEN is too short (${token.length} characters; at least ${MIN_TOKEN_LENGTH})`, {
      hint: 'generate one with: openssl rand -hex 32',
    });
  }
  if (!isLoopbackHost(host) && token === undefined) {
    throw new ConfigError(`refusing to listen on ${host} without a token: a non-loopback address needs RK8S_SERVER_TOKEN (loopback means 127.0.0.0/8, ::1 or exactly localhost)`, {
      hint: 'set RK8S_SERVER_TOKEN (e.g. export RK8S_SERVER_TOKEN=$(openssl rand -hex 32)) or listen on 127.0.0.1',
    });
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The audit `user` of a token holder: "token:" plus the first 6 hex characters of sha256(token), never the token. */
export function tokenUser(token: string): string {
  return `token:${digest(token).toString('hex').slice(0, 6)}`;
}

/** The audit `user` when no token is configured (only possible on loopback). */
export const ANONYMOUS_LOOPBACK_USER = 'anonymous@loopback';

/**
 * Builds the check for an Authorization header. Both sides are hashed first so the comparison is
 * constant-time whatever the lengths. Returns the audit user, or undefined when the header is wrong.
 */
export function createBearerCheck(token: string | undefined): (authorization: string | undefined) => string | undefined {
  if (token === undefined) return () => ANONYMOUS_LOOPBACK_USER;
  const expected = digest(token);
  const user = tokenUser(token);
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const presented = digest(match?.[1] ?? '');
    return timingSafeEqual(presented, expected) && match !== null ? user : undefined;
  };
}
