/**
 * The approvals store: approval tokens handed to API clients and approval requests waiting in the
 * inbox for a person. An entry binds one proposal (argv, namespace, context, policy version) and
 * expires; it is decided at most once and used at most once, also across processes, because every
 * transition is the exclusive creation of a file (O_CREAT|O_EXCL): the first writer wins, the second
 * sees EEXIST. Entries are plain JSON files so `rk8s approvals` in another shell sees the same inbox.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ConfirmationSchema, type ApprovalState } from '../schemas/approval.js';
import { PlanSchema } from '../schemas/plan.js';
import { K8sExecPayloadSchema, SOURCES } from '../schemas/request.js';
import { VerdictSchema } from '../schemas/verdict.js';

/** What an entry is for. */
export const APPROVAL_KINDS = ['token', 'inbox'] as const;
/** An entry kind. */
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

/** The proposal an entry binds, as stored (everything needed to run exactly it later). */
export const StoredProposalSchema = z.strictObject({
  operationId: z.string(),
  source: z.enum(SOURCES),
  user: z.string(),
  request: K8sExecPayloadSchema,
  plan: PlanSchema,
  verdict: VerdictSchema,
  dryRun: z.enum(['server', 'client', 'none']),
  context: z.string().nullable(),
  policyVersion: z.string(),
  createdAt: z.string(),
  confirmation: ConfirmationSchema,
});
/** A stored proposal. */
export type StoredProposal = z.infer<typeof StoredProposalSchema>;

/** The immutable part of an entry, written once when it is created. */
export const ApprovalEntrySchema = z.strictObject({
  id: z.string(),
  kind: z.enum(APPROVAL_KINDS),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** Who asked (the OS user and the door, e.g. "alice via mcp:claude-code"). */
  requestedBy: z.string(),
  /** sha256 of the token (token entries); the token itself is never stored. */
  tokenHash: z.string().optional(),
  proposal: StoredProposalSchema,
  /** The dry-run preview the person deciding is shown (inbox entries). */
  preview: z.strictObject({ output: z.string(), exitCode: z.number().int().optional(), note: z.string().optional() }).optional(),
});
/** An entry as created. */
export type ApprovalEntry = z.infer<typeof ApprovalEntrySchema>;

/** A person's decision on an inbox entry. */
export const ApprovalDecisionSchema = z.strictObject({
  outcome: z.enum(['approved', 'denied']),
  by: z.string(),
  at: z.string(),
  reason: z.string().optional(),
  /** What the person typed for a typed-name confirmation (checked by the core before it was recorded). */
  confirmText: z.string().optional(),
});
/** A decision. */
export type ApprovalDecision = z.infer<typeof ApprovalDecisionSchema>;

/** The record of an entry being used to run its command. */
export const ApprovalUseSchema = z.strictObject({ at: z.string(), by: z.string() });
/** A use. */
export type ApprovalUse = z.infer<typeof ApprovalUseSchema>;

/** An entry with what happened to it since. */
export interface ApprovalRecord extends ApprovalEntry {
  decision?: ApprovalDecision;
  used?: ApprovalUse;
}

/** What creating an entry returns: the record, and for token entries the token (shown once, never stored). */
export interface CreatedApproval {
  record: ApprovalRecord;
  token?: string;
}

/** Store errors carry a stable code. */
export class ApprovalStoreError extends Error {
  constructor(
    readonly code: 'APPROVAL_ALREADY_DECIDED' | 'APPROVAL_UNKNOWN' | 'APPROVAL_EXPIRED' | 'APPROVAL_STORE_FAILED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApprovalStoreError';
  }
}

/** Durable approvals, shared between the processes that use the same store. */
export interface ApprovalStore {
  /** Where the entries live (for messages and `rk8s approvals --json`), or "memory". */
  readonly location: string;
  create(entry: Omit<ApprovalEntry, 'id' | 'tokenHash'>): Promise<CreatedApproval>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  /** The token entry a token belongs to (compared in constant time), or undefined. */
  findByToken(token: string): Promise<ApprovalRecord | undefined>;
  /** Every entry (newest first), pruned of long-expired ones. */
  list(): Promise<ApprovalRecord[]>;
  /** Records a decision; throws APPROVAL_ALREADY_DECIDED when someone decided first. */
  decide(id: string, decision: ApprovalDecision): Promise<ApprovalRecord>;
  /** Marks the entry used; true for exactly one caller, false for every later one. */
  consume(id: string, use: ApprovalUse): Promise<boolean>;
  /** Deletes entries that ended (expired, used, denied) more than `retentionMs` ago; returns how many. */
  prune(now: Date): Promise<number>;
}

/** The state an entry is in at `now`. */
export function approvalState(record: ApprovalRecord, now: Date): ApprovalState {
  if (record.used) return 'executed';
  if (record.decision) return record.decision.outcome;
  return now.getTime() > Date.parse(record.expiresAt) ? 'expired' : 'pending';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A new random token (256 bits) and the id of its entry (derived, so a token finds its entry without a scan). */
function newToken(): { token: string; id: string; hash: string } {
  const token = `rk8s_apt_${randomBytes(32).toString('base64url')}`;
  const hash = sha256(token);
  return { token, id: `t-${hash.slice(0, 24)}`, hash };
}

// Inbox ids are typed by people: short, no look-alike letters.
const ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
function newInboxId(): string {
  const bytes = randomBytes(8);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

/** True when an id can only name an entry (no path tricks): inbox ids and token ids. */
export function isApprovalId(id: string): boolean {
  return /^(?:[a-z0-9]{8}|t-[0-9a-f]{24})$/.test(id);
}

function tokenMatches(record: ApprovalRecord | undefined, token: string): boolean {
  if (!record?.tokenHash) return false;
  const expected = Buffer.from(record.tokenHash, 'hex');
  const given = Buffer.from(sha256(token), 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** How long an ended entry is kept for `rk8s approvals` before it is pruned. */
export const APPROVAL_RETENTION_MS = 24 * 60 * 60 * 1000;

/** A store in this process's memory (tests, and libraries that never share approvals). */
export function createMemoryApprovalStore(): ApprovalStore {
  const records = new Map<string, ApprovalRecord>();
  const store: ApprovalStore = {
    location: 'memory',
    async create(entry) {
      if (entry.kind === 'token') {
        const { token, id, hash } = newToken();
        const record: ApprovalRecord = { ...entry, id, tokenHash: hash };
        records.set(id, record);
        return { record: { ...record }, token };
      }
      let id = newInboxId();
      while (records.has(id)) id = newInboxId();
      const record: ApprovalRecord = { ...entry, id };
      records.set(id, record);
      return { record: { ...record } };
    },
    async get(id) {
      const record = records.get(id);
      return record ? { ...record } : undefined;
    },
    async findByToken(token) {
      if (!token.startsWith('rk8s_apt_')) return undefined;
      const record = records.get(`t-${sha256(token).slice(0, 24)}`);
      return tokenMatches(record, token) ? { ...record! } : undefined;
    },
    async list() {
      return [...records.values()].map((record) => ({ ...record })).sort((left, right) => right.createdAt.localeCompare(left.createdAt));
    },
    async decide(id, decision) {
      const record = records.get(id);
      if (!record) throw new ApprovalStoreError('APPROVAL_UNKNOWN', `no approval request ${id}`);
      if (record.decision || record.used) throw new ApprovalStoreError('APPROVAL_ALREADY_DECIDED', `approval request ${id} was already decided`);
      record.decision = decision;
      return { ...record };
    },
    async consume(id, use) {
      const record = records.get(id);
      if (!record || record.used) return false;
      record.used = use;
      return true;
    },
    async prune(now) {
      let removed = 0;
      for (const [id, record] of records) {
        if (endedLongAgo(record, now)) {
          records.delete(id);
          removed += 1;
        }
      }
      return removed;
    },
  };
  return store;
}

function endedLongAgo(record: ApprovalRecord, now: Date): boolean {
  const ended = record.used?.at ?? record.decision?.at ?? record.expiresAt;
  return now.getTime() - Date.parse(ended) > APPROVAL_RETENTION_MS && (record.used !== undefined || record.decision !== undefined || now.getTime() > Date.parse(record.expiresAt));
}

const PRIVATE_FILE = 0o600;
const PRIVATE_DIRECTORY = 0o700;

/**
 * Creates `file` with `content` unless it exists. The content is written and synced under a temporary
 * name first and then hard-linked into place (link fails with EEXIST when the name is taken), so a
 * reader never sees a half-written file and exactly one of several racing writers wins.
 */
async function writeExclusive(file: string, content: string): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await fs.open(temporary, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, PRIVATE_FILE);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.link(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file}: not an approval file (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

/**
 * A store in a directory (default `<audit log dir>/approvals`), private to the account running rk8s:
 * `entries/<id>.json` (written once), `decisions/<id>.json` and `used/<id>.json` (each created
 * exclusively, so the first decision and the first use win).
 */
export function createFileApprovalStore(directory: string): ApprovalStore {
  const folders = { entries: path.join(directory, 'entries'), decisions: path.join(directory, 'decisions'), used: path.join(directory, 'used') };
  let ready: Promise<void> | undefined;
  const ensure = () =>
    (ready ??= (async () => {
      for (const folder of Object.values(folders)) await fs.mkdir(folder, { recursive: true, mode: PRIVATE_DIRECTORY });
    })().catch((error: unknown) => {
      ready = undefined;
      throw new ApprovalStoreError('APPROVAL_STORE_FAILED', `cannot create the approvals store in ${directory}: ${(error as Error).message}`, { cause: error });
    }));
  const fileOf = (folder: keyof typeof folders, id: string) => path.join(folders[folder], `${id}.json`);

  const load = async (id: string): Promise<ApprovalRecord | undefined> => {
    if (!isApprovalId(id)) return undefined;
    await ensure();
    const entry = await readJson(fileOf('entries', id), ApprovalEntrySchema);
    if (!entry) return undefined;
    const decision = await readJson(fileOf('decisions', id), ApprovalDecisionSchema);
    const used = await readJson(fileOf('used', id), ApprovalUseSchema);
    return { ...entry, ...(decision ? { decision } : {}), ...(used ? { used } : {}) };
  };

  return {
    location: directory,
    async create(entry) {
      await ensure();
      for (let attempt = 0; attempt < 5; attempt++) {
        const minted = entry.kind === 'token' ? newToken() : undefined;
        const id = minted?.id ?? newInboxId();
        const record: ApprovalEntry = { ...entry, id, ...(minted ? { tokenHash: minted.hash } : {}) };
        if (await writeExclusive(fileOf('entries', id), `${JSON.stringify(record)}\n`)) {
          return { record, ...(minted ? { token: minted.token } : {}) };
        }
      }
      throw new ApprovalStoreError('APPROVAL_STORE_FAILED', 'could not allocate an approval id');
    },
    get: load,
    async findByToken(token) {
      if (!token.startsWith('rk8s_apt_') || token.length > 200) return undefined;
      const record = await load(`t-${sha256(token).slice(0, 24)}`);
      return tokenMatches(record, token) ? record : undefined;
    },
    async list() {
      await ensure();
      const names = (await fs.readdir(folders.entries)).filter((name) => name.endsWith('.json'));
      const records: ApprovalRecord[] = [];
      for (const name of names) {
        const record = await load(name.slice(0, -'.json'.length)).catch(() => undefined);
        if (record) records.push(record);
      }
      return records.sort((left, right) => right.createdAt.localeCompare(left.createdAt));
    },
    async decide(id, decision) {
      const record = await load(id);
      if (!record) throw new ApprovalStoreError('APPROVAL_UNKNOWN', `no approval request ${id}`);
      if (record.used || !(await writeExclusive(fileOf('decisions', id), `${JSON.stringify(decision)}\n`))) {
        throw new ApprovalStoreError('APPROVAL_ALREADY_DECIDED', `approval request ${id} was already decided`);
      }
      return { ...record, decision };
    },
    async consume(id, use) {
      if (!isApprovalId(id)) return false;
      await ensure();
      return writeExclusive(fileOf('used', id), `${JSON.stringify(use)}\n`);
    },
    async prune(now) {
      let removed = 0;
      for (const record of await this.list()) {
        if (!endedLongAgo(record, now)) continue;
        for (const folder of ['used', 'decisions', 'entries'] as const) await fs.rm(fileOf(folder, record.id), { force: true });
        removed += 1;
      }
      return removed;
    },
  };
}
