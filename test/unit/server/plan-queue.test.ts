import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/errors.js';
import { QueueFullError, createPlanQueue } from '../../../src/server/plan-queue.js';

describe('createPlanQueue', () => {
  it('runs up to the concurrency, queues up to maxWaiting, and refuses the rest', async () => {
    const queue = createPlanQueue({ concurrency: 2, maxWaiting: 1 });
    const first = await queue.acquire();
    await queue.acquire();
    const waiting = queue.acquire();
    expect(queue.stats()).toEqual({ running: 2, waiting: 1, concurrency: 2, maxWaiting: 1 });
    await expect(queue.acquire()).rejects.toBeInstanceOf(QueueFullError);
    first();
    const third = await waiting;
    expect(queue.stats()).toMatchObject({ running: 2, waiting: 0 });
    third();
    third();
    expect(queue.stats()).toMatchObject({ running: 1, waiting: 0 });
  });

  it('grants slots in arrival order', async () => {
    const queue = createPlanQueue({ concurrency: 1, maxWaiting: 5 });
    const release = await queue.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((index) => queue.acquire().then((next) => (order.push(index), next())));
    release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(queue.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('drops a waiter whose signal aborts', async () => {
    const queue = createPlanQueue({ concurrency: 1, maxWaiting: 1 });
    const release = await queue.acquire();
    const controller = new AbortController();
    const waiting = queue.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    expect(queue.stats()).toMatchObject({ running: 1, waiting: 0 });
    release();
    expect(queue.stats()).toMatchObject({ running: 0 });
  });
});
