import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultDotEnvPath, loadConfig, loadDotEnv } from '../../../src/config/load-config.js';
import { packageRoot } from '../../../src/config/paths.js';
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
    expect(config.audit.path).toBe(path.join(config.root, 'logs', 'agent.log'));
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

describe('loadConfig: shutdown, slow-client and MCP limits', () => {
  it('has safe defaults', () => {
    const config = loadConfig({}, {});
    expect(config.shutdownGraceSeconds).toBe(10);
    expect(config.server).toMatchObject({ headersTimeoutSeconds: 10, bodyTimeoutSeconds: 30, keepAliveTimeoutSeconds: 5, maxConnections: 256 });
    expect(config.mcpMaxMessageBytes).toBe(4 * 1024 * 1024);
  });

  it('reads each from its variable', () => {
    const config = loadConfig({}, {
      RK8S_SHUTDOWN_GRACE_SECONDS: '3',
      RK8S_SERVER_HEADERS_TIMEOUT: '2',
      RK8S_SERVER_BODY_TIMEOUT: '4',
      RK8S_SERVER_KEEP_ALIVE_TIMEOUT: '1',
      RK8S_SERVER_MAX_CONNECTIONS: '50',
      RK8S_MCP_MAX_MESSAGE_BYTES: '65536',
    });
    expect(config.shutdownGraceSeconds).toBe(3);
    expect(config.server).toMatchObject({ headersTimeoutSeconds: 2, bodyTimeoutSeconds: 4, keepAliveTimeoutSeconds: 1, maxConnections: 50 });
    expect(config.mcpMaxMessageBytes).toBe(65536);
  });

  it('still reads the server-only grace variable of earlier versions, and the new one wins', () => {
    expect(loadConfig({}, { RK8S_SERVER_SHUTDOWN_GRACE: '20' }).shutdownGraceSeconds).toBe(20);
    expect(loadConfig({}, { RK8S_SERVER_SHUTDOWN_GRACE: '20', RK8S_SHUTDOWN_GRACE_SECONDS: '5' }).shutdownGraceSeconds).toBe(5);
  });

  it.each([
    [{ RK8S_SERVER_HEADERS_TIMEOUT: '40' }, /server\.headersTimeoutSeconds: must not exceed server\.bodyTimeoutSeconds \(40 > 30\)/, 'RK8S_SERVER_HEADERS_TIMEOUT'],
    [{ RK8S_SERVER_MAX_CONNECTIONS: '0' }, /server\.maxConnections/, 'RK8S_SERVER_MAX_CONNECTIONS'],
    [{ RK8S_SHUTDOWN_GRACE_SECONDS: '-1' }, /shutdownGraceSeconds/, 'RK8S_SHUTDOWN_GRACE_SECONDS'],
    [{ RK8S_MCP_MAX_MESSAGE_BYTES: '10' }, /mcpMaxMessageBytes/, 'RK8S_MCP_MAX_MESSAGE_BYTES'],
  ])('names the setting and the variable to fix for %j', (environment, message, variable) => {
    let error: unknown;
    try {
      loadConfig({}, environment);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(message);
    expect((error as ConfigError).hint).toContain(variable);
  });
});

describe('loadDotEnv', () => {
  const touched = ['RK8S_TEST_DOTENV_A', 'RK8S_TEST_DOTENV_B', 'RK8S_TEST_DOTENV_HOSTILE'];
  const startDirectory = process.cwd();

  afterEach(() => {
    process.chdir(startDirectory);
    for (const name of touched) delete process.env[name];
  });

  function envFile(content: string): string {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'rk8s-dotenv-'));
    const file = path.join(directory, '.env');
    writeFileSync(file, content);
    return file;
  }

  it('reads the package root .env by default, never one from the working directory', () => {
    expect(defaultDotEnvPath()).toBe(path.join(packageRoot(), '.env'));
    expect(path.isAbsolute(defaultDotEnvPath())).toBe(true);
  });

  it('ignores a hostile .env in the working directory', () => {
    const hostile = envFile('RK8S_TEST_DOTENV_HOSTILE=/tmp/evil-kubectl\n');
    process.chdir(path.dirname(hostile));
    expect(defaultDotEnvPath()).not.toBe(path.resolve('.env'));
    loadDotEnv();
    expect(process.env.RK8S_TEST_DOTENV_HOSTILE).toBeUndefined();
  });

  it('loads an explicit file, and real environment variables win over it', () => {
    process.env.RK8S_TEST_DOTENV_A = 'from-the-environment';
    loadDotEnv(envFile('RK8S_TEST_DOTENV_A=from-the-file\nRK8S_TEST_DOTENV_B=from-the-file\n'));
    expect(process.env.RK8S_TEST_DOTENV_A).toBe('from-the-environment');
    expect(process.env.RK8S_TEST_DOTENV_B).toBe('from-the-file');
  });

  it('does nothing when the file does not exist', () => {
    const missing = path.join(mkdtempSync(path.join(os.tmpdir(), 'rk8s-dotenv-')), '.env');
    expect(() => loadDotEnv(missing)).not.toThrow();
  });
});
