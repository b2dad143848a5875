/**
 * What the parser knows about kubectl 1.32: the commands rk8s can run, their flags (and whether each
 * flag takes a value, which decides how the following argument is read), and the global flags.
 * Anything not listed here is unknown, and the policy denies unknown commands and flags.
 */

/**
 * How a flag consumes its value, as in pflag: `value` takes `--f=x` or `--f x`; `boolean` takes
 * `--f` or `--f=false` and never the next argument; `optional` (pflag NoOptDefVal) takes a value only
 * after "=", so in `--dry-run server` the word "server" is a positional argument, not the flag's value.
 */
export type FlagKind = 'value' | 'boolean' | 'optional';

/** One flag kubectl accepts. */
export interface FlagSpec {
  /** Long name, without dashes. */
  name: string;
  short?: string;
  kind: FlagKind;
  /** For `optional` flags: the value when given without "=". */
  noValueDefault?: string;
}

/** Where a command's positional arguments point. */
export type PositionalLayout =
  /** TYPE[,TYPE] NAME... or TYPE/NAME... (get, describe, delete, scale, rollout ...). */
  | 'resources'
  /** POD [CONTAINER] or TYPE/NAME [CONTAINER]. */
  | 'logs'
  /** NODE... (cordon, uncordon, drain). */
  | 'nodes'
  /** [NAME] of a fixed resource (top pod, top node). */
  | 'optional-name'
  /** Exactly one NAME of a fixed resource (create job NAME). */
  | 'one-name'
  /** No positional arguments at all. */
  | 'none'
  /** VERB RESOURCE[/NAME] [SUBRESOURCE] as plain words (auth can-i): not a target. */
  | 'words';

/** One kubectl command rk8s understands. */
export interface CommandSpec {
  /** The parser's name for it: "get", "rollout restart", "top pod", "auth can-i". */
  key: string;
  /** The verb grants and guardrails name: the key, except "top" for both top pod and top node. */
  verb: string;
  mutating: boolean;
  layout: PositionalLayout;
  /** For layouts with a fixed resource (logs default, nodes, top pod/node, events). */
  fixedResource?: string;
  flags: readonly FlagSpec[];
}

const value = (name: string, short?: string): FlagSpec => ({ name, short, kind: 'value' });
const boolean = (name: string, short?: string): FlagSpec => ({ name, short, kind: 'boolean' });
const optional = (name: string, noValueDefault: string): FlagSpec => ({ name, kind: 'optional', noValueDefault });

const output = value('output', 'o');
const selector = value('selector', 'l');
const allNamespaces = boolean('all-namespaces', 'A');
const dryRun = optional('dry-run', 'unchanged');
const noHeaders = boolean('no-headers');
const sortBy = value('sort-by');
const template = value('template');
const showManagedFields = boolean('show-managed-fields');
const allowMissingTemplateKeys = boolean('allow-missing-template-keys');
const watch = boolean('watch', 'w');
const chunkSize = value('chunk-size');
const timeout = value('timeout');
const filename = value('filename', 'f');
const kustomize = value('kustomize', 'k');
const recursive = boolean('recursive', 'R');
const raw = value('raw');
const printing = [output, template, showManagedFields, allowMissingTemplateKeys];
/** Flags some commands accept that read local files or bypass the resource model; parsed so they can be denied. */
const localFiles = [filename, kustomize, recursive];

/**
 * Global flags: valid anywhere, before or after the command. Those that switch credentials or the
 * target are parsed (so their value is not mistaken for the command) and then always denied.
 */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  value('namespace', 'n'),
  value('context'),
  value('cluster'),
  value('request-timeout'),
  value('kubeconfig'),
  value('token'),
  value('server', 's'),
  value('as'),
  value('as-group'),
  value('as-uid'),
  boolean('insecure-skip-tls-verify'),
  value('user'),
  value('username'),
  value('password'),
  value('client-certificate'),
  value('client-key'),
  value('certificate-authority'),
  value('tls-server-name'),
  value('cache-dir'),
  value('profile'),
  value('profile-output'),
  value('v', 'v'),
  value('vmodule'),
  boolean('match-server-version'),
  boolean('warnings-as-errors'),
  boolean('disable-compression'),
];

/** Global flags that never pass, whatever the policy files say (credentials, target, local files, debug output). */
export const FORBIDDEN_FLAGS: ReadonlySet<string> = new Set([
  'kubeconfig', 'token', 'server', 'as', 'as-group', 'as-uid', 'insecure-skip-tls-verify', 'user', 'username',
  'password', 'client-certificate', 'client-key', 'certificate-authority', 'tls-server-name', 'cache-dir',
  'profile', 'profile-output', 'v', 'vmodule', 'raw', 'filename', 'kustomize', 'recursive', 'patch-file',
]);

/** Global flags that are allowed only when equal to the caller's configured value. */
export const TARGET_FLAGS: ReadonlySet<string> = new Set(['context', 'cluster']);

/** Commands that never pass: they run code in pods, open tunnels, read local files or write arbitrary objects. */
export const FORBIDDEN_VERBS: ReadonlySet<string> = new Set([
  'config', 'exec', 'attach', 'cp', 'proxy', 'port-forward', 'edit', 'run', 'debug', 'apply', 'replace',
]);

/**
 * Commands that write arbitrary objects in general but have one narrow form rk8s accepts (checked
 * by narrow-forms.ts); every other use of them is denied like a forbidden verb. Verb -> that form.
 */
export const NARROW_VERBS: ReadonlyMap<string, string> = new Map([
  ['create', 'create job NAME --from=cronjob/CRONJOB -n NAMESPACE (run a CronJob now)'],
  ['patch', 'patch cronjob NAME -n NAMESPACE --type=merge -p \'{"spec":{"suspend":true}}\' (or false: suspend or resume a CronJob)'],
]);

const getFlags = [
  ...printing, selector, allNamespaces, watch, boolean('watch-only'), value('field-selector'), boolean('show-labels'),
  value('label-columns', 'L'), sortBy, noHeaders, boolean('show-kind'), chunkSize, boolean('ignore-not-found'),
  value('subresource'), raw, ...localFiles, boolean('output-watch-events'),
];

const rolloutTargetFlags = [selector, ...localFiles];

const specList: Array<Omit<CommandSpec, 'verb'>> = [
  { key: 'get', mutating: false, layout: 'resources', flags: getFlags },
  {
    key: 'describe', mutating: false, layout: 'resources',
    flags: [selector, allNamespaces, boolean('show-events'), chunkSize, ...localFiles],
  },
  {
    key: 'logs', mutating: false, layout: 'logs', fixedResource: 'pod',
    flags: [
      value('container', 'c'), boolean('previous', 'p'), boolean('follow', 'f'), value('tail'), value('since'),
      value('since-time'), boolean('timestamps'), boolean('all-containers'), selector, value('max-log-requests'),
      boolean('prefix'), value('limit-bytes'), value('pod-running-timeout'), boolean('ignore-errors'),
      boolean('insecure-skip-tls-verify-backend'),
    ],
  },
  {
    key: 'top pod', mutating: false, layout: 'optional-name', fixedResource: 'pod',
    flags: [selector, allNamespaces, boolean('containers'), sortBy, noHeaders, boolean('sum'), boolean('use-protocol-buffers'), value('field-selector')],
  },
  {
    key: 'top node', mutating: false, layout: 'optional-name', fixedResource: 'node',
    flags: [selector, sortBy, noHeaders, boolean('show-capacity'), boolean('use-protocol-buffers')],
  },
  {
    key: 'events', mutating: false, layout: 'none', fixedResource: 'events',
    flags: [...printing, value('for'), value('types'), watch, allNamespaces, noHeaders, chunkSize],
  },
  { key: 'rollout status', mutating: false, layout: 'resources', flags: [watch, value('revision'), timeout, ...rolloutTargetFlags] },
  { key: 'rollout history', mutating: false, layout: 'resources', flags: [value('revision'), ...printing, ...rolloutTargetFlags] },
  // kubectl 1.32's rollout restart has no --dry-run (see the flag-table test).
  { key: 'rollout restart', mutating: true, layout: 'resources', flags: [value('field-manager'), ...printing, ...rolloutTargetFlags] },
  { key: 'rollout undo', mutating: true, layout: 'resources', flags: [value('to-revision'), dryRun, ...printing, ...rolloutTargetFlags] },
  { key: 'rollout pause', mutating: true, layout: 'resources', flags: [value('field-manager'), ...printing, ...rolloutTargetFlags] },
  { key: 'rollout resume', mutating: true, layout: 'resources', flags: [value('field-manager'), ...printing, ...rolloutTargetFlags] },
  {
    key: 'scale', mutating: true, layout: 'resources',
    flags: [value('replicas'), value('current-replicas'), value('resource-version'), timeout, dryRun, boolean('all'), ...printing, ...rolloutTargetFlags],
  },
  { key: 'cordon', mutating: true, layout: 'nodes', fixedResource: 'node', flags: [dryRun, selector] },
  { key: 'uncordon', mutating: true, layout: 'nodes', fixedResource: 'node', flags: [dryRun, selector] },
  {
    key: 'drain', mutating: true, layout: 'nodes', fixedResource: 'node',
    flags: [
      boolean('ignore-daemonsets'), boolean('delete-emptydir-data'), boolean('force'),
      value('grace-period'), timeout, boolean('disable-eviction'), value('skip-wait-for-delete-timeout'),
      value('pod-selector'), selector, dryRun, chunkSize,
    ],
  },
  {
    key: 'delete', mutating: true, layout: 'resources',
    flags: [
      value('grace-period'), boolean('force'), boolean('now'), boolean('wait'), optional('cascade', 'background'),
      boolean('ignore-not-found'), selector, value('field-selector'), boolean('all'), allNamespaces, timeout, output,
      dryRun, raw, boolean('interactive', 'i'), ...localFiles,
    ],
  },
  {
    key: 'auth can-i', mutating: false, layout: 'words',
    flags: [allNamespaces, boolean('list'), noHeaders, boolean('quiet', 'q'), value('subresource')],
  },
  { key: 'auth whoami', mutating: false, layout: 'none', flags: [output] },
  { key: 'version', mutating: false, layout: 'none', flags: [boolean('client'), output] },
  {
    key: 'api-resources', mutating: false, layout: 'none',
    flags: [boolean('namespaced'), value('api-group'), value('verbs'), output, sortBy, noHeaders, boolean('cached'), value('categories')],
  },
  { key: 'api-versions', mutating: false, layout: 'none', flags: [] },
  // The narrow forms (see NARROW_VERBS): the table lists only what those forms may carry.
  {
    key: 'create job', mutating: true, layout: 'one-name', fixedResource: 'job',
    flags: [value('from'), dryRun, value('field-manager'), ...printing],
  },
  {
    key: 'patch', mutating: true, layout: 'resources',
    flags: [value('type'), value('patch', 'p'), dryRun, value('field-manager'), ...printing, ...localFiles, value('patch-file')],
  },
];

const specs: CommandSpec[] = specList.map((spec) => ({ ...spec, verb: spec.key.startsWith('top ') ? 'top' : spec.key }));

/** Every command rk8s can parse, by key. */
export const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(specs.map((spec) => [spec.key, spec]));

/**
 * Commands whose first positional is a subcommand; each maps kubectl's spellings to the command key.
 * Maps, not object literals: "constructor" or "__proto__" must find nothing.
 */
export const SUBCOMMANDS: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([
  ['rollout', new Map([
    ['status', 'rollout status'], ['history', 'rollout history'], ['restart', 'rollout restart'], ['undo', 'rollout undo'],
    ['pause', 'rollout pause'], ['resume', 'rollout resume'],
  ])],
  ['top', new Map([['pod', 'top pod'], ['pods', 'top pod'], ['po', 'top pod'], ['node', 'top node'], ['nodes', 'top node'], ['no', 'top node']])],
  ['auth', new Map([['can-i', 'auth can-i'], ['whoami', 'auth whoami']])],
  // Only `create job`; any other `create` is denied (NARROW_VERBS).
  ['create', new Map([['job', 'create job']])],
]);

/** Top-level words that are a command on their own (no subcommand). */
export const SIMPLE_VERBS: ReadonlySet<string> = new Set(
  specs.filter((spec) => !spec.key.includes(' ')).map((spec) => spec.key),
);

/** Commands that touch no Kubernetes object (granted by `non_resource` in the allow-list). */
export const NON_RESOURCE_COMMANDS: ReadonlySet<string> = new Set(['auth can-i', 'auth whoami', 'version', 'api-resources', 'api-versions']);

/** The verbs a grant or guardrail may name (the parsed `command` of a known command). */
export const GRANTABLE_COMMANDS: readonly string[] = [...new Set(specs.map((spec) => spec.verb))];
