import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { humanDuration } from '../../../src/sandbox/age.js';
import { formatGoDuration, parseDuration } from '../../../src/sandbox/duration.js';
import { generateServingCertificate, serialNumber } from '../../../src/sandbox/certificate.js';
import { buildTable, podStatusReason } from '../../../src/sandbox/tables.js';
import type { KubeObject } from '../../../src/sandbox/types.js';

describe('humanDuration (kubectl AGE)', () => {
  it.each([
    [-5_000, '<invalid>'], [0, '0s'], [59_000, '59s'], [119_000, '119s'], [125_000, '2m5s'], [600_000, '10m'],
    [179 * 60_000, '179m'], [3 * 3_600_000 + 5 * 60_000, '3h5m'], [8 * 3_600_000, '8h'], [47 * 3_600_000, '47h'],
    [2 * 86_400_000, '2d'], [3 * 86_400_000 + 4 * 3_600_000, '3d4h'], [120 * 86_400_000, '120d'], [800 * 86_400_000, '2y70d'], [9 * 365 * 86_400_000, '9y'],
  ])('%d ms -> %s', (milliseconds, expected) => {
    expect(humanDuration(milliseconds)).toBe(expected);
  });

  it.each([['90s', 90_000], ['15m', 900_000], ['1d12h', 129_600_000], ['500ms', 500]])('parseDuration(%s) = %d', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it('rejects a malformed duration', () => {
    expect(() => parseDuration('ten minutes')).toThrow(/invalid duration/);
    expect(() => parseDuration('')).toThrow(/invalid duration/);
  });

  it.each([[10_000, '10s'], [300_000, '5m0s'], [80_000, '1m20s'], [160_000, '2m40s'], [7_200_000, '2h0m0s'], [300, '300ms'], [1_500, '1.5s']])('formatGoDuration(%d) = %s (the kubelet back-off wording)', (milliseconds, expected) => {
    expect(formatGoDuration(milliseconds)).toBe(expected);
  });
});

const pod = (status: Pod['status'], deleting = false): Pod => ({
  metadata: { name: 'p', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { containers: [{ name: 'a' }, { name: 'b' }] },
  status,
});

describe('podStatusReason (kubectl STATUS column)', () => {
  it.each([
    ['running and ready', pod({ phase: 'Running', containerStatuses: [
      { name: 'a', image: '', imageID: '', ready: true, restartCount: 0, state: { running: {} } },
      { name: 'b', image: '', imageID: '', ready: true, restartCount: 1, state: { running: {} } }] }), 'Running', '2/2', 1],
    ['crash loop wins over running', pod({ phase: 'Running', containerStatuses: [
      { name: 'a', image: '', imageID: '', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } } },
      { name: 'b', image: '', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] }), 'CrashLoopBackOff', '1/2', 5],
    ['terminating', pod({ phase: 'Running', containerStatuses: [] }, true), 'Terminating', '0/2', 0],
    ['pending without statuses', pod({ phase: 'Pending' }), 'Pending', '0/2', 0],
    ['terminated with exit code', pod({ phase: 'Failed', containerStatuses: [
      { name: 'a', image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 2 } } }] }), 'ExitCode:2', '0/2', 0],
  ])('%s', (_name, input, reason, ready, restarts) => {
    const status = podStatusReason(input);
    expect(status.reason).toBe(reason);
    expect(`${status.ready}/${status.total}`).toBe(ready);
    expect(status.restarts).toBe(restarts);
  });
});

describe('podStatusReason with init containers', () => {
  const withInit = (initContainers: NonNullable<Pod['spec']>['initContainers'], status: Pod['status']): Pod => ({
    metadata: { name: 'p' }, spec: { initContainers, containers: [{ name: 'app' }] }, status,
  });
  const waiting = (name: string, reason: string, restartCount = 0, finishedAt?: string) => ({
    name, image: '', imageID: '', ready: false, restartCount, state: { waiting: { reason } },
    lastState: finishedAt ? { terminated: { exitCode: 1, reason: 'Error', finishedAt } } : {},
  });

  it('the first init container that has not succeeded names the status; later ones do not count', () => {
    const status = podStatusReason(withInit([{ name: 'migrate' }, { name: 'warm' }], {
      phase: 'Pending',
      initContainerStatuses: [waiting('migrate', 'CrashLoopBackOff', 16, '2026-01-01T00:00:00Z'), waiting('warm', 'PodInitializing', 3)],
      containerStatuses: [waiting('app', 'PodInitializing')],
    }));
    expect(status).toEqual({ reason: 'Init:CrashLoopBackOff', ready: 0, total: 1, restarts: 16, lastRestart: '2026-01-01T00:00:00Z' });
  });

  it('a failed init container with restartPolicy Never is Init:Error; one still running is Init:0/2', () => {
    expect(podStatusReason(withInit([{ name: 'check' }], {
      phase: 'Failed', initContainerStatuses: [{ name: 'check', image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 2, reason: 'Error' } } }],
    })).reason).toBe('Init:Error');
    expect(podStatusReason(withInit([{ name: 'a' }, { name: 'b' }], {
      phase: 'Pending', initContainerStatuses: [{ name: 'a', image: '', imageID: '', ready: false, restartCount: 0, state: { running: {} } }, waiting('b', 'PodInitializing')],
    })).reason).toBe('Init:0/2');
  });

  it('a started sidecar counts as a container and its restarts show once the pod is initialized', () => {
    const status = podStatusReason(withInit([{ name: 'proxy', restartPolicy: 'Always' }], {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
      initContainerStatuses: [{ name: 'proxy', image: '', imageID: '', ready: true, started: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: '2026-01-01T00:00:00Z' } } }],
      containerStatuses: [{ name: 'app', image: '', imageID: '', ready: true, restartCount: 0, state: { running: {} } }],
    }));
    expect(status).toEqual({ reason: 'Running', ready: 2, total: 2, restarts: 2, lastRestart: '2026-01-01T00:00:00Z' });
  });

  it('a deleted pod that already failed keeps its phase (Evicted), not Terminating', () => {
    const evicted: Pod = { metadata: { name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z' }, spec: { containers: [{ name: 'a' }] }, status: { phase: 'Failed', reason: 'Evicted' } };
    expect(podStatusReason(evicted).reason).toBe('Evicted');
  });
});

describe('buildTable', () => {
  it('never prints Secret data, only a count', () => {
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', creationTimestamp: '2026-01-01T00:00:00Z' }, type: 'Opaque', data: { password: 'c2VjcmV0' } };
    const table = buildTable('Secret', [secret], { now: new Date('2026-01-02T00:00:00Z'), resourceVersion: '1', includeObject: 'Metadata' });
    expect(JSON.stringify(table)).not.toContain('c2VjcmV0');
    expect((table['rows'] as { cells: unknown[] }[])[0]?.cells).toEqual(['s', 'Opaque', 1, '24h']);
  });
});

describe('generateServingCertificate', () => {
  it('is a valid self-signed certificate for the loopback addresses', () => {
    const certificate = new X509Certificate(generateServingCertificate(['127.0.0.1', 'localhost', '::1']).certificatePem);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(certificate.checkHost('localhost')).toBe('localhost');
    expect(certificate.subjectAltName).toContain('IP Address:0:0:0:0:0:0:0:1');
  });

  it.each([[[0x00, 0x05]], [[0x80, 0x00]], [[0xff, 0xff]], [[0x00, 0x00]]])('serial bytes %j make a minimal positive DER integer (no "illegal padding")', (bytes) => {
    const serial = serialNumber(Buffer.from([...bytes, ...Array<number>(14).fill(0x11)]));
    expect(serial[0]).toBeGreaterThan(0);
    expect(serial[0]).toBeLessThan(0x80);
    expect(serial).toHaveLength(16);
  });
});
