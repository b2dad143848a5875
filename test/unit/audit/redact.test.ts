import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactArgs, redactText } from '../../../src/audit/redact.js';

describe('redactText', () => {
  it.each([
    ['bearer token', 'curl -H "Authorization: Bearer abc.def-123"', 'curl -H "Authorization: [REDACTED]"'],
    ['bare bearer', 'token was Bearer sk_live_123456789', 'token was Bearer [REDACTED]'],
    ['basic auth header', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: [REDACTED]'],
    ['--token=', 'kubectl get pods --token=eyAbc123 -n prod', 'kubectl get pods --token=[REDACTED] -n prod'],
    ['--token X', 'kubectl --token s3cr3t get pods', 'kubectl --token [REDACTED] get pods'],
    ['--token quoted', "kubectl --token 'a b c' get pods", 'kubectl --token [REDACTED] get pods'],
    ['password=', 'connecting with password=hunter2&user=bob', 'connecting with password=[REDACTED]&user=bob'],
    ['env-style secret', 'DB_PASSWORD=hunter2 GITHUB_TOKEN=abc', 'DB_PASSWORD=[REDACTED] GITHUB_TOKEN=[REDACTED]'],
    ['token=', '?token=abcdef&x=1', '?token=[REDACTED]&x=1'],
    ['apikey', 'apikey: 12345', `apikey: ${REDACTED}`],
    ['api_key json', '{"api_key": "k-123", "name": "x"}', '{"api_key": "[REDACTED]", "name": "x"}'],
    ['aws secret', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG', 'aws_secret_access_key = [REDACTED]'],
    ['AWS access key id', 'key AKIAIOSFODNN7EXAMPLE used', `key ${REDACTED} used`],
    ['GitHub token', 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB', REDACTED],
    ['GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop', REDACTED],
    ['JWT', 'sa token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl', `sa token ${REDACTED}`],
    ['URL credentials', 'git clone https://bob:pa55@example.com/repo', `git clone https://bob:${REDACTED}@example.com/repo`],
    [
      'private key block',
      'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----\ndone',
      `key:\n${REDACTED} PRIVATE KEY\ndone`,
    ],
    ['cut-off private key', 'x -----BEGIN PRIVATE KEY-----\nMIIEv', `x ${REDACTED} PRIVATE KEY`],
    [
      'Secret data YAML',
      'apiVersion: v1\ndata:\n  password: aHVudGVyMg==\n  user: Ym9i\nkind: Secret\nmetadata:\n  name: db',
      `apiVersion: v1\ndata:\n  password: ${REDACTED}\n  user: ${REDACTED}\nkind: Secret\nmetadata:\n  name: db`,
    ],
    ['stringData YAML', 'stringData:\n  tls.key: abc\ntype: Opaque', `stringData:\n  tls.key: ${REDACTED}\ntype: Opaque`],
    ['Secret data JSON', '{"data": {"password": "aHVudGVyMg==", "u": "Ym9i"}, "kind": "Secret"}', `{"data": {"password": "${REDACTED}", "u": "${REDACTED}"}, "kind": "Secret"}`],
    ['kubeconfig key data', 'client-key-data: LS0tLS1CRUdJTg==', `client-key-data: ${REDACTED}`],
    ['harmless text', 'kubectl get secret db -n prod -o name', 'kubectl get secret db -n prod -o name'],
    ['secretName is not a secret', 'secretName: tls-cert', 'secretName: tls-cert'],
    ['a Secret NotFound error', 'Error from server (NotFound): secrets "db" not found', 'Error from server (NotFound): secrets "db" not found'],
  ])('%s', (_name, input, expected) => {
    expect(redactText(input)).toBe(expected);
    expect(redactText(expected)).toBe(expected);
  });
});

describe('redactArgs', () => {
  it.each([
    [['get', 'pods', '--token', 'abc'], ['get', 'pods', '--token', REDACTED]],
    [['get', 'pods', '--token=abc'], ['get', 'pods', `--token=${REDACTED}`]],
    [['--password', 'pw', 'get', 'pods'], ['--password', REDACTED, 'get', 'pods']],
    [['create', 'secret', 'generic', 'db', '--from-literal=password=hunter2'], ['create', 'secret', 'generic', 'db', `--from-literal=password=${REDACTED}`]],
    [['create', 'secret', 'generic', 'db', '--from-literal', 'user=bob'], ['create', 'secret', 'generic', 'db', '--from-literal', `user=${REDACTED}`]],
    [['annotate', 'pod', 'x', 'note=Bearer abcdef'], ['annotate', 'pod', 'x', `note=Bearer ${REDACTED}`]],
    [['set', 'env', 'deploy/api', 'API_KEY=xyz'], ['set', 'env', 'deploy/api', `API_KEY=${REDACTED}`]],
    [['scale', 'deployment/api', '--replicas=3', '-n', 'prod'], ['scale', 'deployment/api', '--replicas=3', '-n', 'prod']],
  ])('%j', (input, expected) => {
    expect(redactArgs(input)).toEqual(expected);
  });
});

interface CorpusEntry {
  shape: string;
  text: string;
  values?: string[];
}

const corpus = JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'redaction-corpus.json'), 'utf8')) as {
  secrets: CorpusEntry[];
  ordinary: CorpusEntry[];
};

describe('the redaction corpus (test/unit/audit/redaction-corpus.json)', () => {
  it('holds at least 50 secret shapes and 50 ordinary lines', () => {
    expect(corpus.secrets.length).toBeGreaterThanOrEqual(50);
    expect(corpus.ordinary.length).toBeGreaterThanOrEqual(50);
    for (const entry of corpus.secrets) expect(entry.values?.length, entry.shape).toBeGreaterThan(0);
  });

  it.each(corpus.secrets.map((entry) => [entry.shape, entry] as const))('hides every secret value: %s', (_shape, entry) => {
    const redacted = redactText(entry.text);
    for (const value of entry.values!) expect(redacted, `${value} is still in: ${redacted}`).not.toContain(value);
    expect(redacted).toContain(REDACTED);
    expect(redactText(redacted)).toBe(redacted);
    // The same text as one argv element (`kubectl annotate ... note=<text>`).
    const asArgument = redactArgs(['annotate', 'pod', 'x', entry.text]).join(' ');
    for (const value of entry.values!) expect(asArgument).not.toContain(value);
  });

  it.each(corpus.ordinary.map((entry) => [entry.shape, entry.text] as const))('leaves ordinary text byte-identical: %s', (_shape, text) => {
    expect(redactText(text)).toBe(text);
    expect(redactArgs(text.split(' '))).toEqual(text.split(' '));
  });

  it('the issue 12 record: "PASSWORD hunter5 (secret value: hunter6)"', () => {
    expect(redactText('PASSWORD hunter5 (secret value: hunter6)')).toBe('PASSWORD [REDACTED] (secret value: [REDACTED])');
  });

  it('hides credential flags in argv whatever their prefix: --docker-password, --client-secret, --cookie', () => {
    expect(redactArgs(['create', 'secret', 'docker-registry', 'r', '--docker-password', 'Dk9#pQ2w', '--docker-username=bot'])).toEqual([
      'create',
      'secret',
      'docker-registry',
      'r',
      '--docker-password',
      REDACTED,
      '--docker-username=bot',
    ]);
    expect(redactArgs(['x', '--client-secret=abc', '--cookie', 'sid=1', '--token-ttl', '24h'])).toEqual(['x', `--client-secret=${REDACTED}`, '--cookie', REDACTED, '--token-ttl', '24h']);
  });
});
