import { describe, expect, it } from 'vitest';
import { parseImageReference, referenceMatches } from '../../../../src/sandbox/kubelet/image-reference.js';

describe('parseImageReference (the kubelet\'s reference grammar)', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['bitnami/kafka:3.8.0', 'docker.io/bitnami/kafka:3.8.0'],
    ['registry.example.com/web:2.4.0-rc1', 'registry.example.com/web:2.4.0-rc1'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    [`busybox@sha256:${'a'.repeat(64)}`, `docker.io/library/busybox@sha256:${'a'.repeat(64)}`],
  ])('%s normalizes to %s', (image, normalized) => {
    expect(parseImageReference(image)).toMatchObject({ normalized });
  });

  it.each([
    ['Nginx:1.0', 'invalid reference format: repository name (library/Nginx) must be lowercase'],
    ['registry.example.com/Media/Resizer:1.0', 'invalid reference format: repository name (Media/Resizer) must be lowercase'],
    ['nginx:1.27:alpine', 'invalid reference format'],
    ['nginx:', 'invalid reference format'],
    ['my image', 'invalid reference format'],
    ['a'.repeat(64), `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
  ])('%s is invalid: %s', (image, error) => {
    expect(parseImageReference(image)).toEqual({ error });
  });

  it('registry rules match the exact image, the repository, the host or a prefix', () => {
    const parsed = parseImageReference('ghcr.io/acme/api:1.2');
    if ('error' in parsed) throw new Error(parsed.error);
    for (const rule of ['ghcr.io/acme/api:1.2', 'ghcr.io/acme/api', 'ghcr.io/acme/*', 'ghcr.io']) expect(referenceMatches(rule, 'ghcr.io/acme/api:1.2', parsed)).toBe(true);
    for (const rule of ['ghcr.io/acme/api:1.3', 'ghcr.io/other/*', 'docker.io']) expect(referenceMatches(rule, 'ghcr.io/acme/api:1.2', parsed)).toBe(false);
  });
});
