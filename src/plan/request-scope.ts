/**
 * What rk8s will not do, said with the reason and the nearest allowed alternative: exec and shells,
 * port-forwards and copies, edits and patches, Secret data, deleting namespaces or nodes, and kinds
 * no card reads. Pure: the words are matched, nothing is run.
 */
import type { RefusalSchema } from '../schemas/plan.js';
import type { z } from 'zod';

type RefusalCode = z.infer<typeof RefusalSchema>['code'];

/** A class of request that is out of scope, found in the words. */
export interface ScopeHit {
  code: RefusalCode;
  reason: string;
  /** Which read the alternatives should offer: the object's logs/describe, a describe, or nothing. */
  alternative: 'logs-describe' | 'describe' | 'scale' | 'none' | 'describe-secret';
  phrase: string;
}

interface ScopeRule {
  pattern: RegExp;
  hit: Omit<ScopeHit, 'phrase'>;
}

const EXEC_REASON = 'exec, attach and interactive shells are always denied: rk8s runs only reviewed, non-interactive kubectl commands';

const RULES: readonly ScopeRule[] = [
  { pattern: /\bexec\b(?! format)|\bshell\b|\bssh\b|\bbash\b|\battach\b|\bterminal\b|\bconsole into\b|\bget into (?:the )?(?:pod|container)\b|\brun (?:a )?(?:command|cmd|curl|ps|top|env|ls|cat) (?:in|inside|on)\b/, hit: { code: 'EXEC_DENIED', reason: EXEC_REASON, alternative: 'logs-describe' } },
  { pattern: /\bport[- ]?forward\w*\b|\bproxy\b/, hit: { code: 'EXEC_DENIED', reason: 'port-forward and proxy open a tunnel into the cluster and are always denied', alternative: 'describe' } },
  { pattern: /(?:^|\s)cp\s|\bcopy\b|\bdownload\b|\bupload\b/, hit: { code: 'EXEC_DENIED', reason: 'copying files in or out of containers (kubectl cp) is always denied', alternative: 'logs-describe' } },
  { pattern: /^(?:please |pls |can you |could you )?(?:edit|patch|apply|annotate|label|taint|set image|set env|create|expose|autoscale|replace)\b|\b(?:kubectl )?(?:edit|patch) (?:the )?(?:deploy|deployment|svc|service|configmap|cm|pod|node|statefulset|sts|ingress|hpa)\b|\bset (?:the )?image\b|\bchange (?:the )?image\b|\bupdate (?:the )?image\b|\bapply (?:the |this )?(?:manifest|yaml|file)\b|\b-f [a-z0-9./-]+\.ya?ml\b/, hit: { code: 'WRITE_DENIED', reason: 'editing, patching, applying or creating objects is not something rk8s does (no card writes a spec); change it through your deploy pipeline', alternative: 'describe' } },
];

const SECRET_READ = /\b(?:secrets?|passwords?|credentials|creds|api[- ]?keys?|private keys?|tls keys?|tokens?)\b/;

/** Out-of-scope classes in the words, most serious first (exec before secrets before writes). */
export function scopeHits(text: string): ScopeHit[] {
  const hits: ScopeHit[] = [];
  // No words (a form or a picker): no rule can match, and their regular expressions need not be compiled.
  if (text.trim() === '') return hits;
  for (const rule of RULES) {
    const match = rule.pattern.exec(text);
    if (match) hits.push({ ...rule.hit, phrase: match[0].trim() });
  }
  const secret = SECRET_READ.exec(text);
  if (secret) {
    hits.push({
      code: 'SECRET_DATA',
      reason: 'Secret data is never shown by rk8s (no card reads a Secret\'s values); `kubectl describe secret` lists its keys and sizes without the values',
      alternative: 'describe-secret',
      phrase: secret[0],
    });
  }
  return hits;
}

/** Kinds people ask about that no card reads, with what to say. */
export const UNKNOWN_KINDS: ReadonlyArray<{ pattern: RegExp; kind: string }> = [
  { pattern: /\b(?:pvs?|persistent ?volumes?)\b(?! ?claims?)/, kind: 'persistentvolume' },
  { pattern: /\bstorage ?class(?:es)?\b/, kind: 'storageclass' },
  { pattern: /\b(?:crds?|customresourcedefinitions?|custom resources?)\b/, kind: 'customresourcedefinition' },
  { pattern: /\b(?:cluster ?)?role ?bindings?\b/, kind: 'rolebinding' },
  { pattern: /\bcluster ?roles?\b/, kind: 'clusterrole' },
  { pattern: /\broles\b|\brbac\b/, kind: 'role' },
  { pattern: /\bingress ?class(?:es)?\b/, kind: 'ingressclass' },
  { pattern: /\bleases?\b/, kind: 'lease' },
  { pattern: /\bpriority ?class(?:es)?\b/, kind: 'priorityclass' },
  { pattern: /\b(?:validating|mutating)? ?webhooks?\b|\bwebhookconfigurations?\b/, kind: 'webhook' },
  { pattern: /\bcertificates?\b|\bcsrs?\b/, kind: 'certificate' },
  { pattern: /\bcontroller ?revisions?\b/, kind: 'controllerrevision' },
];
