import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/errors.js';

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    const config = loadConfig({}, {});
    expect(config.exec.timeoutSeconds).toBe(15);
    expect(config.exec.maxOutputBytes).toBe(256 * 1024);
    expect(config.planner.model).toBeUndefined();
    expect(config.planner.temperature).toBe(0.2);
    expect(config.planner.maxTokens).toBe(160);
    expect(config.embedder.kind).toBe('lexical');
    expect(config.embedder.allowRemoteModels).toBe(false);
    expect(config.audit.path).toBe(path.resolve('logs', 'agent.log'));
    expect(path.basename(config.cardsDir)).toBe('cards');
  });

  it('reads the environment, and explicit overrides win', () => {
    const environment = { RK8S_MODEL: 'models/m.gguf', RK8S_EXEC_TIMEOUT: '30', KUBECONFIG: '/tmp/kc', RK8S_READ_ONLY: 'true' };
    const config = loadConfig({ kubeconfig: '/other/kc' }, environment);
    expect(config.planner.model).toBe(path.resolve('models/m.gguf'));
    expect(config.exec.timeoutSeconds).toBe(30);
    expect(config.kubectl.kubeconfig).toBe('/other/kc');
    expect(config.readOnly).toBe(true);
  });

  it('--no-model (model: null) beats RK8S_MODEL', () => {
    expect(loadConfig({ model: null }, { RK8S_MODEL: '/m.gguf' }).planner.model).toBeUndefined();
  });

  it.each([
    [{ RK8S_EXEC_TIMEOUT: 'soon' }, /RK8S_EXEC_TIMEOUT/],
    [{ RK8S_READ_ONLY: 'maybe' }, /RK8S_READ_ONLY/],
    [{ RK8S_EMBEDDER: 'magic' }, /embedder\.kind/],
    [{ RK8S_EXEC_TIMEOUT: '-5' }, /exec\.timeoutSeconds/],
  ])('names the bad setting %j', (environment, pattern) => {
    expect(() => loadConfig({}, environment)).toThrow(ConfigError);
    expect(() => loadConfig({}, environment)).toThrow(pattern);
  });
});
