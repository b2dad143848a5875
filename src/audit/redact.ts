/**
 * Secret redaction for everything the audit log (and any output excerpt) records. Conservative on
 * purpose: hiding a harmless value is cheap, writing a credential to a forwarded log is not. The rules
 * are our own (docs/audit-log.md says why no npm pattern set was used) and are held to a corpus,
 * test/unit/audit/redaction-corpus.json, of secret shapes that must vanish and kubectl text that must not
 * change. Every pattern is linear in the input (no nested quantifiers), because this runs on every append.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Single key words (the last word of a key) whose value is a credential: DB_PASS, apiKey, _authToken ... */
const SECRET_LAST_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'pass',
  'secret',
  'token',
  'credential',
  'credentials',
  'apikey',
  'auth',
  'cookie',
  'sig',
  'dockerconfigjson',
  'dockercfg',
]);

/** Words that end in one of these are credentials too, written without a separator (PGPASSWORD, csrftoken). */
const SECRET_SUFFIXES = /(?:password|passwd|passphrase|secret|token|apikey|credentials)$/;

/** Two-word key endings (AWS_SECRET_ACCESS_KEY, client-key-data, AccountKey ...). */
const SECRET_LAST_TWO_WORDS = new Set([
  'api key',
  'secret key',
  'access key',
  'private key',
  'account key',
  'encryption key',
  'signing key',
  'master key',
  'client key',
  'session key',
  'key data',
  'key base',
]);

/** Values that are settings, not credentials, whatever their key (automountServiceAccountToken: false). */
const NON_SECRET_VALUES = /^(?:true|false|null|yes|no|none|~)$/i;

/** The words of a key name: split on `_ . -` and on camelCase humps, lower-cased. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.\-/]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}

/** True when a key name says its value is a credential. */
export function isSecretKey(key: string): boolean {
  // `*v1.Secret: secrets is forbidden`: a Go type name in a Kubernetes error, not a key.
  if (/^\*?[a-z][a-z0-9]*\.[A-Z][A-Za-z0-9]*$/.test(key)) return false;
  const words = keyWords(key);
  const last = words.at(-1);
  if (last === undefined) return false;
  if (SECRET_LAST_WORDS.has(last) || SECRET_SUFFIXES.test(last)) return true;
  return words.length >= 2 && SECRET_LAST_TWO_WORDS.has(`${words.at(-2)} ${last}`);
}

/** A quoted or bare value: quoted values run to their closing quote; bare ones stop at separators (also URL-encoded ones). */
const VALUE = String.raw`"(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|(?:(?!%2[06cC]|%3[bB])[^\s"',;&}\])])+`;
/** A value separator: `=` or `:`, plain or URL-encoded, with optional spaces (never a newline). */
const SEPARATOR = String.raw`["']?[ \t]*(?:[:=]|%3[aAdD])(?:[ \t]|%20)*`;
const NOT_REDACTED = String.raw`(?!\[REDACTED\])`;

function keepQuotes(value: string): string {
  const quote = value.startsWith('"') || value.startsWith("'") ? value[0]! : '';
  return `${quote}${REDACTED}${quote}`;
}

/** Whether a key=value value must be hidden (not a boolean, not `describe secret`'s "8 bytes", not a cwd). */
function hideValue(key: string, value: string, rest: string): boolean {
  const bare = value.replace(/^["']|["']$/g, '');
  if (bare === '' || NON_SECRET_VALUES.test(bare)) return false;
  if (/^\d+$/.test(bare) && /^[ \t]+bytes\b/.test(rest)) return false;
  // PWD=/home/alice is the shell's working directory, not a password.
  if (/^(?:old)?pwd$/i.test(key) && bare.startsWith('/')) return false;
  return true;
}

/**
 * A word after "password" in prose is a secret when it does not read like a word: it has a digit or a
 * symbol, is quoted, or the keyword is shouted (`PASSWORD swordfish`, an env dump). "password reset page"
 * and "password must be 12 characters" stay.
 */
function looksLikeCredential(keyword: string, core: string): boolean {
  if (/^["']/.test(core)) return true;
  if (/[^A-Za-z]/.test(core)) return true;
  return keyword === keyword.toUpperCase() && keyword !== keyword.toLowerCase();
}

/** Words that follow "bearer" in prose (error messages, docs), not a credential. */
const BEARER_PROSE = /^(?:tokens?|auth|authentication|authorization|scheme|header|realm|credentials?|prefix|type|format|is|was|and|or|the|a|an|with|for|in|required|missing|invalid|expired)$/i;

/** One redaction pass over a text. */
type Rule = (text: string) => string;

/** A pass that replaces every match of a global pattern. */
function rule(pattern: RegExp, replace: (match: string, ...groups: string[]) => string): Rule {
  return (text) => text.replace(pattern, replace as (substring: string, ...rest: string[]) => string);
}

/** Replaces the whole match, for token shapes that are secrets on their own. */
const whole = (pattern: RegExp): Rule => rule(pattern, () => REDACTED);

const KEY_SEPARATOR = new RegExp(String.raw`(?<![A-Za-z0-9_.\-])([A-Za-z0-9_.\-]+)(${SEPARATOR})`, 'g');
const VALUE_HERE = new RegExp(String.raw`${NOT_REDACTED}(?:${VALUE})`, 'y');

/**
 * key=value and key: value pairs with a secret-looking key (env files, JSON, YAML, query strings, also
 * URL-encoded). A loop rather than one replace: the value is only read for a secret key, and the scan
 * resumes right after a harmless key's separator, so a pair nested in its value (`q=client_secret%3D...`)
 * is still seen and `a=b=c=...` costs linear time, not quadratic.
 */
function redactKeyValues(text: string): string {
  KEY_SEPARATOR.lastIndex = 0;
  let output = '';
  let copied = 0;
  for (let match = KEY_SEPARATOR.exec(text); match !== null; match = KEY_SEPARATOR.exec(text)) {
    const key = match[1]!;
    if (!isSecretKey(key)) continue;
    const valueStart = match.index + match[0].length;
    VALUE_HERE.lastIndex = valueStart;
    const value = VALUE_HERE.exec(text)?.[0];
    if (value === undefined) continue;
    const valueEnd = valueStart + value.length;
    if (!hideValue(key, value, text.slice(valueEnd, valueEnd + 8))) continue;
    output += `${text.slice(copied, valueStart)}${keepQuotes(value)}`;
    copied = valueEnd;
    KEY_SEPARATOR.lastIndex = valueEnd;
  }
  return output + text.slice(copied);
}

/** In order: the broad rules (whole headers, blocks, URLs) first, so narrower ones see `[REDACTED]` and leave it. */
const RULES: Rule[] = [
  // PEM private keys (RSA, EC, OpenSSH, PGP ...), complete or cut off by truncation.
  rule(/-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY\2-----|$)/g, () => `${REDACTED} PRIVATE KEY`),
  // Authorization and Cookie headers: whatever the scheme, the rest of the value is a credential.
  rule(
    /(\b(?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?|\b(?:set-)?cookie["']?[ \t]*:[ \t]*["']?)(?![ \t]*\[REDACTED\](?:["'\r\n]|$))([^"'\r\n]+)/gi,
    (_match, prefix) => `${prefix}${REDACTED}`,
  ),
  // The same, URL-encoded (a header smuggled into a query string): up to the next parameter.
  rule(/(\b(?:proxy-)?authorization%3A(?:%20|\+)*|\b(?:set-)?cookie%3A(?:%20|\+)*)(?!(?:%20|\+)*\[REDACTED\])[^\s&"']+/gi, (_match, prefix) => `${prefix}${REDACTED}`),
  // Credentials inside URLs: scheme://user:password@host (the password may itself hold an @).
  rule(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)(?!\[REDACTED\]@)([^\s/]+)(@)/gi, (_match, prefix, _secret, at) => `${prefix}${REDACTED}${at}`),
  // Slack incoming webhooks carry their secret in the path.
  rule(/(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)(?!\[REDACTED\])[A-Za-z0-9/_-]+/g, (_match, prefix) => `${prefix}${REDACTED}`),
  // `Bearer <token>` anywhere, also `bearer%20<token>`; "missing bearer token" in an error is not a token.
  rule(/(\bbearer(?:[ \t]+|%20|\+))(?!\[REDACTED\])([A-Za-z0-9._~+/%=-]+)/gi, (match, prefix, token) => (BEARER_PROSE.test(token!) ? match : `${prefix}${REDACTED}`)),
  // Credential flags in a display command: --token X, --password=X, --docker-password X, --cookie X ...
  rule(
    /((?<![\w-])--?(?:[A-Za-z0-9]+-)*(?:password|passwd|passphrase|pass|pwd|token|secret|api-key|apikey|credentials?|cookie|client-key-data|client-key|key-data)(?![\w-]))(=|[ \t]+)(?!\[REDACTED\])(?!-)('[^']*'|"[^"]*"|\S+)/gi,
    (match, flag, separator, value) => (NON_SECRET_VALUES.test(value!) && separator !== '=' ? match : `${flag}${separator}${REDACTED}`),
  ),
  // mysql -pSECRET (the password glued to -p).
  rule(/(\bmysql(?:dump|admin|sh)?\b[^\n]*?[ \t]-p)(?!\[REDACTED\])([^\s'"]+)/g, (_match, prefix) => `${prefix}${REDACTED}`),
  // --from-literal=key=value: keep the key, drop the value.
  rule(/(--from-literal(?:\s+|=)'?[^=\s']+=)(?!\[REDACTED\])('[^']*'|"[^"]*"|[^\s']+)'?/g, (_match, prefix) => `${prefix}${REDACTED}`),
  // Kubernetes env entries: `name: DB_PASSWORD` then `value: ...` (YAML) or `"name":"X","value":"..."` (JSON).
  rule(
    new RegExp(
      String.raw`((?<![\w-])["']?name["']?[ \t]*:[ \t]*["']?)([A-Za-z0-9_.-]+)(["']?[ \t]*(?:,[ \t]*|\r?\n[ \t-]*)["']?value["']?[ \t]*:[ \t]*)${NOT_REDACTED}(${VALUE})`,
      'g',
    ),
    (match, prefix, key, middle, value) => (isSecretKey(key!) && hideValue(key!, value!, '') ? `${prefix}${key}${middle}${keepQuotes(value!)}` : match),
  ),
  redactKeyValues,
  // Multi-word keys in prose: "secret value: X", "api key = X", "access token: X".
  rule(
    new RegExp(
      String.raw`(?<![\w./-])((?:secret|api|access|private|auth|session|refresh|client|encryption|signing)[ \t]+(?:value|key|token|secret|password)[ \t]*[:=][ \t]*)${NOT_REDACTED}(${VALUE})`,
      'gi',
    ),
    (match, prefix, value) => (NON_SECRET_VALUES.test(value!) ? match : `${prefix}${keepQuotes(value!)}`),
  ),
  // "PASSWORD hunter5", "the password is Tr0ub4dor&3", "password for bob was x1".
  rule(
    /(?<![\w./-])(password|passwd|passphrase)(?![\w-])([ \t]+(?:for[ \t]+\S+[ \t]+)?(?:(?:is|was)[ \t]+)?)(?!\[REDACTED\])(?!-)("[^"\r\n]*"|'[^'\r\n]*'|\S+?)(?=[)\].,;:!?]*(?:\s|$))/gi,
    (match, keyword, middle, value) => (looksLikeCredential(keyword!, value!) ? `${keyword}${middle}${keepQuotes(value!)}` : match),
  ),
  // Token shapes that are secrets on their own, in one pass: JWTs (Kubernetes service-account tokens
  // among them) and vendor keys. Kubernetes names are lower-case, so the mixed-case ones cannot hit a pod name.
  whole(
    new RegExp(
      [
        String.raw`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+`,
        String.raw`\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[0-9A-Z]{16}\b`,
        String.raw`\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})\b`,
        String.raw`\bgl(?:pat|dt|rt|ptt|cbt|soat|ft)-[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])`,
        String.raw`\bxox[abposre]-[A-Za-z0-9-]{10,}(?![A-Za-z0-9-])`,
        String.raw`\bxapp-\d-[A-Za-z0-9-]{10,}(?![A-Za-z0-9-])`,
        String.raw`\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b`,
        String.raw`\bwhsec_[A-Za-z0-9]{16,}\b`,
        String.raw`\bsk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)\d{2}-)?(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])`,
        String.raw`\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])`,
        String.raw`\bya29\.[0-9A-Za-z_-]{20,}(?![0-9A-Za-z_-])`,
        String.raw`\bnpm_[A-Za-z0-9]{36}\b`,
        String.raw`\bpypi-AgE[A-Za-z0-9_-]{50,}(?![A-Za-z0-9_-])`,
        String.raw`\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}(?![A-Za-z0-9_-])`,
        String.raw`\bhf_[A-Za-z]{30,}\b`,
        String.raw`\bdo[opr]_v1_[a-f0-9]{64}\b`,
        String.raw`\bSK[0-9a-fA-F]{32}\b`,
      ].join('|'),
      'g',
    ),
  ),
];

/**
 * Values under a `data:` / `stringData:` block (Secret manifests in YAML) and inside a JSON
 * `"data": {...}` object. ConfigMaps are hidden too: the text rarely says which kind it is (excerpts
 * are cut), and an over-redacted ConfigMap costs nothing.
 */
function redactDataBlocks(text: string): string {
  if (!/data/i.test(text)) return text;
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

/**
 * Something every rule's match contains (a separator, a keyword or a token prefix); text without any of
 * them cannot hold a secret the rules would find, and skips the passes. Keep it in step with RULES.
 */
const MIGHT_HOLD_A_SECRET = /[-:=%_./@]|pass|bearer|authorization|cookie|mysql|eyJ|A[KS]IA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA|AIza|SK|data/i;

/** Replaces every secret found in free text (commands, kubectl output, error messages). Idempotent. */
export function redactText(text: string): string {
  if (!MIGHT_HOLD_A_SECRET.test(text)) return text;
  let result = redactDataBlocks(text);
  for (const pass of RULES) result = pass(result);
  return result;
}

/** A flag whose value is a credential (--token, --password, --docker-password, --client-key-data, --cookie ...). */
function isSecretFlag(flag: string): boolean {
  return /^--?[A-Za-z]/.test(flag) && isSecretKey(flag.replace(/^-+/, ''));
}

/** Flags whose value is `key=value` data that may hold secrets (`create secret generic --from-literal`). */
const LITERAL_FLAGS = new Set(['--from-literal']);

/** Redacts an argv: values of credential flags (both forms), `--from-literal` values, then every element as text. */
export function redactArgs(args: readonly string[]): string[] {
  const result: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const argument = args[index]!;
    const equals = argument.indexOf('=');
    const flag = equals === -1 ? argument : argument.slice(0, equals);
    if (isSecretFlag(flag)) {
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
