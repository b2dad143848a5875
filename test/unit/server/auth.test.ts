import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { ANONYMOUS_LOOPBACK_USER, assertBoundToLoopback, assertServerExposure, createBearerCheck, isLoopbackAddress, isLoopbackHost, tokenUser } from '../../../src/server/auth.js';

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
    // Loopback is an IP literal or exactly "localhost", never a name that merely looks local.
    ['foo.localhost', false],
    ['api.localhost', false],
    ['localhost.', false],
    ['localhost.localdomain', false],
    ['127.1', false],
    ['0x7f.0.0.1', false],
    ['2130706433', false],
    ['::ffff:7f00:1', true],
    ['::ffff:10.0.0.1', false],
    ['[::ffff:127.0.0.1]', true],
    ['fe80::1%lo', false],
  ])('%s -> %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('isLoopbackAddress', () => {
  it('takes IP literals only: localhost itself is a name', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('localhost')).toBe(false);
  });
});

describe('assertBoundToLoopback', () => {
  it('accepts a server bound to loopback addresses only', () => {
    expect(() => assertBoundToLoopback('localhost', ['127.0.0.1', '::1'])).not.toThrow();
  });
  it('refuses a name that resolved to another address, naming it and the fix', () => {
    expect(() => assertBoundToLoopback('localhost', ['127.0.0.1', '192.168.1.5'])).toThrow(ConfigError);
    expect(() => assertBoundToLoopback('localhost', ['192.168.1.5'])).toThrow(/localhost resolved to 192\.168\.1\.5, which is not a loopback address/);
  });
});

describe('assertServerExposure', () => {
  it.each(['foo.localhost', 'localhost.example.com', 'myhost'])('refuses %s without a token: a name is not loopback because it looks local', (host) => {
    expect(() => assertServerExposure(host, undefined)).toThrow(/loopback means 127\.0\.0\.0\/8, ::1 or exactly localhost/);
  });
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
