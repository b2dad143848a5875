import { describe, expect, it } from 'vitest';
import { checkRequestOrigin, hostnameOf, isLoopbackOrigin } from '../../../src/server/request-origin.js';

describe('hostnameOf', () => {
  it.each([
    ['127.0.0.1:8000', '127.0.0.1'],
    ['localhost', 'localhost'],
    ['LocalHost:80', 'localhost'],
    ['[::1]:8000', '[::1]'],
    ['[::1]', '[::1]'],
    ['attacker.example:8000', 'attacker.example'],
    ['localhost:notaport', undefined],
    ['::1', undefined],
    ['', undefined],
  ])('%j -> %j', (host, expected) => {
    expect(hostnameOf(host)).toBe(expected);
  });
});

describe('isLoopbackOrigin', () => {
  it.each([
    ['http://localhost:3000', true],
    ['http://127.0.0.1', true],
    ['https://[::1]:8443', true],
    ['http://LOCALHOST', true],
    ['null', false],
    ['https://attacker.example', false],
    ['http://127.0.0.1.attacker.example', false],
    ['http://localhost.attacker.example', false],
    ['http://127.0.0.2', false],
    ['file:///home/me/page.html', false],
    ['chrome-extension://abcdef', false],
    ['http://user@localhost', false],
  ])('%s -> %s', (origin, expected) => {
    expect(isLoopbackOrigin(origin)).toBe(expected);
  });
});

describe('checkRequestOrigin', () => {
  it.each([
    [{ host: '127.0.0.1:8000' }, false, undefined],
    [{ host: 'localhost:8000', origin: 'http://localhost:5173' }, false, undefined],
    [{ host: 'attacker.example:8000' }, false, 'HOST_NOT_ALLOWED'],
    [{}, false, 'HOST_NOT_ALLOWED'],
    [{ host: '127.0.0.1:8000', origin: 'https://attacker.example' }, false, 'ORIGIN_NOT_ALLOWED'],
    [{ host: '127.0.0.1:8000', origin: ['http://localhost', 'http://localhost'] }, false, 'ORIGIN_NOT_ALLOWED'],
    [{ host: 'rk8s.internal' }, true, undefined],
    [{}, true, undefined],
    [{ host: 'rk8s.internal', origin: 'https://attacker.example' }, true, 'ORIGIN_NOT_ALLOWED'],
    [{ host: 'rk8s.internal', origin: 'null' }, true, 'ORIGIN_NOT_ALLOWED'],
  ])('%j with token=%s -> %s', (headers, tokenConfigured, code) => {
    expect(checkRequestOrigin(headers, tokenConfigured)?.code).toBe(code);
  });
});
