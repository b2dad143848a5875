/**
 * Secret redaction for everything the audit log (and any output excerpt) records. Conservative on
 * purpose: hiding a harmless value is cheap, writing a credential to a forwarded log is not.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** kubectl flags whose value is a credential, in `--flag=value` or `--flag value` form. */
const SECRET_FLAGS = new Set(['--token', '--password', '--username-password', '--client-key', '--client-key-data']);

/** Flags whose value is `key=value` data that may hold secrets (`create secret generic --from-literal`). */
const LITERAL_FLAGS = new Set(['--from-literal']);

// Key names that end in one of these words carry a secret value (DB_PASSWORD=, "token": , aws_secret_access_key = ...).
const SECRET_KEY =
  '[A-Za-z0-9_.-]*?(?:password|passwd|pwd|passphrase|token|api[_-]?key|apikey|secret[_-]?(?:access[_-]?)?key|client[_-]?secret|private[_-]?key|access[_-]?key|key[_-]?data|secret)';

interface Rule {
  pattern: RegExp;
  replace: (...match: string[]) => string;
}

const RULES: Rule[] = [
  // PEM private keys, complete or cut off by truncation.
  {
    pattern: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: () => `${REDACTED} PRIVATE KEY`,
  },
  // Authorization headers: whatever the scheme, the rest of the value is a credential.
  {
    pattern: /(\bauthorization["']?\s*[:=]\s*["']?)([^"'\r\n]+)/gi,
    replace: (_match, prefix) => `${prefix}${REDACTED}`,
  },
  { pattern: /(\bbearer\s+)[A-Za-z0-9._~+/=-]+/gi, replace: (_match, prefix) => `${prefix}${REDACTED}` },
  // --token X / --password X written as two words in a display command.
  {
    pattern: /(--(?:token|password|client-key-data)(?:\s+|=))('[^']*'|"[^"]*"|\S+)/g,
    replace: (_match, prefix) => `${prefix}${REDACTED}`,
  },
  // --from-literal=key=value: keep the key, drop the value.
  {
    pattern: /(--from-literal(?:\s+|=)'?[^=\s']+=)('[^']*'|"[^"]*"|[^\s']+)'?/g,
    replace: (_match, prefix) => `${prefix}${REDACTED}`,
  },
  // key=value and key: value pairs with a secret-looking key (env files, JSON, YAML, query strings).
  {
    pattern: new RegExp(`(\\b${SECRET_KEY}["']?\\s*[:=]\\s*)("[^"\\r\\n]*"|'[^'\\r\\n]*'|[^\\s"',;&}]+)`, 'gi'),
    replace: (_match, prefix, value) => {
      const quote = value.startsWith('"') || value.startsWith("'") ? value[0]! : '';
      return `${prefix}${quote}${REDACTED}${quote}`;
    },
  },
  // Credentials inside URLs: https://user:password@host.
  { pattern: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi, replace: (_match, prefix, _secret, at) => `${prefix}${REDACTED}${at}` },
  // JWTs (Kubernetes service-account tokens among them).
  { pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g, replace: () => REDACTED },
  // AWS access key ids, GitHub, GitLab and Slack tokens.
  { pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g, replace: () => REDACTED },
  { pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})\b/g, replace: () => REDACTED },
  { pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, replace: () => REDACTED },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, replace: () => REDACTED },
];

/**
 * Values under a `data:` / `stringData:` block (Secret manifests in YAML) and inside a JSON
 * `"data": {...}` object. ConfigMaps are hidden too: the text rarely says which kind it is (excerpts
 * are cut), and an over-redacted ConfigMap costs nothing.
 */
function redactDataBlocks(text: string): string {
  const lines = text.split('\n');
  let blockIndent = -1;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const indent = line.length - line.trimStart().length;
    if (blockIndent >= 0) {
      if (line.trim() === '') continue;
      if (indent > blockIndent) {
        lines[index] = line.replace(/^(\s*(?:"[^"]*"|'[^']*'|[^\s:]+)\s*:)(\s*).+$/, (_match, key, space) => `${key}${space || ' '}${REDACTED}`);
        continue;
      }
      blockIndent = -1;
    }
    if (/^\s*(?:data|stringData|binaryData):\s*$/.test(line)) blockIndent = indent;
  }
  return lines
    .join('\n')
    .replace(/("(?:data|stringData|binaryData)"\s*:\s*\{)([^{}]*)(\})/g, (_match, open, body: string, close) =>
      `${open}${body.replace(/("[^"]*"\s*:\s*)"(?:[^"\\]|\\.)*"/g, `$1"${REDACTED}"`)}${close}`,
    )
    .replace(/(\b(?:data|stringData|binaryData):\s*\{)([^{}]*)(\})/g, (_match, open, body: string, close) =>
      `${open}${body.replace(/([^\s,:{]+\s*:\s*)[^,}]+/g, `$1${REDACTED}`)}${close}`,
    );
}

/** Replaces every secret found in free text (commands, kubectl output, error messages). Idempotent. */
export function redactText(text: string): string {
  let result = redactDataBlocks(text);
  for (const rule of RULES) result = result.replace(rule.pattern, rule.replace as (substring: string, ...rest: string[]) => string);
  return result;
}

/** Redacts an argv: values of credential flags (both forms), `--from-literal` values, then every element as text. */
export function redactArgs(args: readonly string[]): string[] {
  const result: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const argument = args[index]!;
    const equals = argument.indexOf('=');
    const flag = equals === -1 ? argument : argument.slice(0, equals);
    if (SECRET_FLAGS.has(flag)) {
      if (equals !== -1) {
        result.push(`${flag}=${REDACTED}`);
      } else {
        result.push(argument);
        if (index + 1 < args.length) {
          result.push(REDACTED);
          index++;
        }
      }
      continue;
    }
    if (LITERAL_FLAGS.has(flag)) {
      const literal = equals === -1 ? args[++index] : argument.slice(equals + 1);
      const redactedLiteral = literal === undefined ? undefined : literal.replace(/=.*$/s, `=${REDACTED}`);
      if (equals === -1) {
        result.push(argument);
        if (redactedLiteral !== undefined) result.push(redactedLiteral);
      } else {
        result.push(`${flag}=${redactedLiteral ?? ''}`);
      }
      continue;
    }
    result.push(redactText(argument));
  }
  return result;
}
