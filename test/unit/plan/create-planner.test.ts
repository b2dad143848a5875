import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ModelError } from '../../../src/errors.js';
import type { PlannerEvent } from '../../../src/contracts/ports.js';
import { createPlanner } from '../../../src/plan/create-planner.js';
import { matchesOf, STORIES_MODEL } from './card-matches.js';

const request = { namespace: 'prod', name: 'api' };

async function collect(events: AsyncIterable<PlannerEvent>): Promise<PlannerEvent[]> {
  const result: PlannerEvent[] = [];
  for await (const event of events) result.push(event);
  return result;
}

describe('createPlanner', () => {
  it('is the template planner when no model is configured', () => {
    const planner = createPlanner(loadConfig({ model: null }, {}));
    expect(planner.kind).toBe('template');
    expect(planner.model).toBeUndefined();
  });

  it('is the LLM planner named after the file when the model exists (nothing is loaded yet)', () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-plan-'));
    const file = path.join(directory, 'tiny.gguf');
    writeFileSync(file, 'not loaded until the first plan');
    const planner = createPlanner(loadConfig({ model: file }, {}));
    expect(planner.kind).toBe('llm');
    expect(planner.model).toBe('tiny.gguf');
  });

  it('falls back to the template planner with a warning when RK8S_MODEL points nowhere', async () => {
    const planner = createPlanner(loadConfig({}, { RK8S_MODEL: '/nonexistent/model.gguf' }));
    expect(planner.kind).toBe('template');
    const events = await collect(planner.plan(request, matchesOf('restart-deployment'), {}));
    expect(events[0]).toMatchObject({ type: 'notice', level: 'warn', stage: 'model' });
    expect(events[0]?.type === 'notice' && events[0].message).toMatch(/\/nonexistent\/model\.gguf not found/);
    expect(events.at(-1)).toMatchObject({ type: 'plan-end', planner: 'template' });
  });

  it('throws a clear ModelError for a missing model when strict (an explicit --model)', () => {
    const config = loadConfig({ model: '/nonexistent/model.gguf' }, {});
    expect(() => createPlanner(config, { strictModel: true })).toThrow(ModelError);
    expect(() => createPlanner(config, { strictModel: true })).toThrow(/--model \/nonexistent\/model\.gguf: no such model file/);
  });

  it('passes the configured planner settings through', () => {
    const planner = createPlanner(loadConfig({ model: STORIES_MODEL, threads: 1 }, {}));
    expect(planner).toMatchObject({ kind: 'llm', model: 'stories260K.gguf' });
  });
});
