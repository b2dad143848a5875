/** TuiServices whose request stream the test drives event by event (to watch tokens arrive one at a time). */
import { catalogFromCards, createStatusStore } from '../../components/core-services.js';
import type { TuiServices } from '../../components/services.js';
import type { PipelineEvent } from '../../src/contracts/events.js';
import type { K8sExecPayload } from '../../src/schemas/request.js';
import { wordsScope } from '../../src/plan/words-scope.js';
import { FAKE_CARDS } from '../helpers/fake-core.js';

/** An async queue a test pushes into. */
export interface EventChannel {
  push(event: PipelineEvent): void;
  end(): void;
  /** Whether the consumer's signal was aborted. */
  aborted(): boolean;
}

/** Services with a scripted request stream; the test pushes every event itself. */
export function createScriptedServices(): { services: TuiServices; requests: K8sExecPayload[]; next(): Promise<EventChannel> } {
  const requests: K8sExecPayload[] = [];
  const waiting: Array<(channel: EventChannel) => void> = [];
  const ready: EventChannel[] = [];
  const services: TuiServices = {
    catalog: catalogFromCards(FAKE_CARDS),
    async *run(request, _ask, signal) {
      requests.push(request);
      const queue: Array<PipelineEvent | 'end'> = [];
      let wake: (() => void) | undefined;
      const channel: EventChannel = {
        push: (event) => {
          queue.push(event);
          wake?.();
        },
        end: () => {
          queue.push('end');
          wake?.();
        },
        aborted: () => signal.aborted,
      };
      const taker = waiting.shift();
      if (taker) taker(channel);
      else ready.push(channel);
      signal.addEventListener('abort', () => channel.end(), { once: true });
      for (;;) {
        if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        const item = queue.shift()!;
        if (item === 'end') return;
        yield item;
      }
    },
    listNamespaces: async () => [{ name: 'staging', status: 'Active', tier: 'staging' }],
    listObjects: async () => [{ name: 'api', status: '2/2 ready' }],
    scopeOf: async (query) => wordsScope(query, FAKE_CARDS, ['staging']),
    ...(() => {
      const status = createStatusStore({ planner: 'qwen-0.5b', sandbox: false, readOnly: false, embedder: 'fake-v1', auditLogPath: '/tmp/a.log' });
      return { getStatus: status.get, subscribeStatus: status.subscribe };
    })(),
  };
  return {
    services,
    requests,
    next: () => {
      const channel = ready.shift();
      return channel ? Promise.resolve(channel) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}
