/** Who may call the HTTP server: loopback detection, bearer-token checks in constant time, and the audit user. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';

/** True for hosts that only accept connections from this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare) || /^(0+:){7}0*1$/.test(bare);
  return false;
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
    throw new ConfigError(`refusing to listen on ${host} without a token: a non-loopback address needs RK8S_SERVER_TOKEN`, {
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
