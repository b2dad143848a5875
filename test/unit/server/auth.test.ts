import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { ANONYMOUS_LOOPBACK_USER, assertServerExposure, createBearerCheck, isLoopbackHost, tokenUser } from '../../../src/server/auth.js';

const TOKEN = 'a-long-enough-token-123456';

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.10.0.3', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.1', false],
    ['128.0.0.1', false],
    ['example.com', false],
    ['localhost.example.com', false],
  ])('%s -> %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('assertServerExposure', () => {
  it('refuses a non-loopback host without a token, naming the variable', () => {
    expect(() => assertServerExposure('0.0.0.0', undefined)).toThrow(ConfigError);
    expect(() => assertServerExposure('0.0.0.0', undefined)).toThrow(/RK8S_SERVER_TOKEN/);
  });
  it('accepts loopback without a token and any host with a token', () => {
    expect(() => assertServerExposure('127.0.0.1', undefined)).not.toThrow();
    expect(() => assertServerExposure('0.0.0.0', TOKEN)).not.toThrow();
  });
  it('refuses a short token', () => {
    expect(() => assertServerExposure('127.0.0.1', 'short')).toThrow(/too short/);
  });
});

describe('createBearerCheck', () => {
  it('without a token, everyone on loopback is the anonymous user', () => {
    expect(createBearerCheck(undefined)(undefined)).toBe(ANONYMOUS_LOOPBACK_USER);
  });
  it.each([
    [undefined, undefined],
    ['', undefined],
    [`Bearer ${TOKEN}`, tokenUser(TOKEN)],
    [`bearer ${TOKEN}`, tokenUser(TOKEN)],
    [`Bearer ${TOKEN} `, tokenUser(TOKEN)],
    [`Bearer ${TOKEN.slice(0, -1)}`, undefined],
    [`Bearer ${TOKEN}0`, undefined],
    [`Basic ${TOKEN}`, undefined],
    [TOKEN, undefined],
    [`Bearer ${TOKEN} extra`, undefined],
  ])('%s -> %s', (header, expected) => {
    expect(createBearerCheck(TOKEN)(header)).toBe(expected);
  });
  it('names the user by a hash prefix, never by the token', () => {
    expect(tokenUser(TOKEN)).toMatch(/^token:[0-9a-f]{6}$/);
    expect(tokenUser(TOKEN)).not.toBe(tokenUser(`${TOKEN}x`));
  });
});
