/**
 * The TUI's doors to investigations (#15) and to the approvals inbox (#17), over a (possibly still
 * starting) core. Both only relay to the core: `investigate()` is the same stream `rk8s diagnose`
 * prints, and a decision goes through decideApproval(), exactly as `rk8s approve` / `rk8s deny` do.
 */
import type { ApprovalRecord } from '../src/approvals/approval-store.js';
import type { Core } from '../src/contracts/core.js';
import type { DiagnosePayload } from '../src/diagnose/document.js';
import type { InvestigationEvent } from '../src/diagnose/events.js';
import type { Explainer } from '../src/diagnose/explain.js';
import type { ConfirmationAnswer } from '../src/pipeline/confirmation.js';
import type { DecisionResult } from '../src/pipeline/decide-approval.js';
import { loadBoth } from './load-both.js';

/** What the approvals panel asks of the inbox. */
export interface TuiApprovals {
  /** The pending inbox requests, oldest first (the file store, shared with every rk8s process of this account). */
  list(signal?: AbortSignal): Promise<ApprovalRecord[]>;
  /** Approves or denies one request as the OS user "(rk8s tui)"; the core checks the answer and records it. */
  decide(id: string, decision: { outcome: 'approved' | 'denied'; reason?: string; answer?: ConfirmationAnswer }): Promise<DecisionResult>;
  /** The core's clock (ages and expiry). */
  now(): Date;
}

/** The TUI's side doors: an investigation stream and the approvals inbox. */
export interface SideServices {
  /** One investigation (the payload as `k8s_diagnose` takes it); the explanation is added when a model is configured. */
  investigate(payload: DiagnosePayload, signal: AbortSignal): AsyncIterable<InvestigationEvent>;
  approvals: TuiApprovals;
  /** Releases what investigations loaded (the explainer's hold on the shared model runtime). */
  close(): Promise<void>;
}

const modules = () =>
  Promise.all([import('../src/diagnose/investigate.js'), import('../src/diagnose/explain.js'), import('../src/pipeline/decide-approval.js'), import('../src/pipeline/audit-fields.js')]).then(
    ([investigateModule, explainModule, decideModule, auditModule]) => ({ ...investigateModule, ...explainModule, ...decideModule, ...auditModule }),
  );

/** Who decides in the TUI, as the audit log records it (the CLI records "(rk8s approve on a terminal)"). */
export function tuiDecider(user: string): string {
  return `${user} (rk8s tui approvals panel)`;
}

/** How long closing waits for investigations to write their audit records. */
const CLOSE_WAIT_MS = 3000;

/** The side services over a core promise. */
export function createSideServices(core: Promise<Core>): SideServices {
  // One explainer per session, created on the first investigation that can use it (it loads the model).
  let explainer: Promise<Explainer | undefined> | undefined;
  let clock: (() => Date) | undefined;
  void core.then((ready) => (clock = () => ready.clock.now()), () => undefined);
  // Investigations still finishing (an aborted one writes its `cancelled` record last): close() waits for them.
  const active = new Set<Promise<void>>();

  async function* investigation(payload: DiagnosePayload, signal: AbortSignal): AsyncGenerator<InvestigationEvent> {
    const both = await loadBoth(core, modules());
    if ('error' in both) {
      yield { type: 'error', error: both.error };
      return;
    }
    const [ready, loaded] = both.values;
    explainer ??= Promise.resolve(loaded.explainerFromConfig(ready.config));
    const explain = await explainer;
    yield* loaded.investigate({ ...payload, ...(explain ? { explain: true } : {}) }, ready, { source: 'tui', signal, ...(explain ? { explainer: explain } : {}) });
  }

  return {
    async *investigate(payload, signal) {
      let finish!: () => void;
      const running = new Promise<void>((resolve) => (finish = resolve));
      active.add(running);
      try {
        yield* investigation(payload, signal);
      } finally {
        finish();
        active.delete(running);
      }
    },
    approvals: {
      async list(signal) {
        const [ready, loaded] = await Promise.all([core, modules()]);
        signal?.throwIfAborted();
        return loaded.pendingApprovals(ready);
      },
      async decide(id, decision) {
        const [ready, loaded] = await Promise.all([core, modules()]);
        return loaded.decideApproval(ready, id, {
          outcome: decision.outcome,
          by: tuiDecider(loaded.defaultUser()),
          ...(decision.reason ? { reason: decision.reason } : {}),
          ...(decision.answer ? { answer: decision.answer } : {}),
        });
      },
      now: () => (clock ? clock() : new Date()),
    },
    async close() {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...active]), new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
      clearTimeout(timer);
      active.clear();
      const pending = explainer;
      explainer = undefined;
      await (await pending?.catch(() => undefined))?.dispose?.();
    },
  };
}
