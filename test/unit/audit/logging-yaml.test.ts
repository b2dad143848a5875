import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { repositoryRoot, sampleRecord, temporaryLog } from './helpers.js';

const documents = yaml.loadAll(readFileSync(path.join(repositoryRoot, 'logging.yaml'), 'utf8')) as Record<string, unknown>[];

describe('logging.yaml', () => {
  it('has a Fluent Bit config tailing the audit log with a JSON parser on `timestamp`', () => {
    const fluentBit = documents[0] as {
      parsers: { name: string; format: string; time_key: string; time_format: string }[];
      pipeline: { inputs: { name: string; path: string; parser: string }[]; outputs: unknown[] };
    };
    const input = fluentBit.pipeline.inputs[0]!;
    expect(input).toMatchObject({ name: 'tail', path: expect.stringMatching(/agent\.log$/) });
    const parser = fluentBit.parsers.find((candidate) => candidate.name === input.parser);
    expect(parser).toMatchObject({ format: 'json', time_key: 'timestamp' });
    expect(fluentBit.pipeline.outputs.length).toBeGreaterThan(0);
  });

  it('has a Filebeat config reading the audit log as NDJSON', () => {
    const filebeat = documents[1] as Record<string, { type: string; paths: string[]; parsers: { ndjson: unknown }[] }[]>;
    const input = filebeat['filebeat.inputs']![0]!;
    expect(input.type).toBe('filestream');
    expect(input.paths[0]).toMatch(/agent\.log$/);
    expect(input.parsers[0]!.ndjson).toBeDefined();
  });

  it('matches the timestamp format the log really writes', async () => {
    const { file } = temporaryLog();
    const record = await createAuditLog({ path: file }).append(sampleRecord());
    // Fluent Bit: %Y-%m-%dT%H:%M:%S.%LZ; Filebeat: 2006-01-02T15:04:05.000Z
    expect(record.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const parser = (documents[0] as { parsers: { time_format: string }[] }).parsers[0]!;
    expect(parser.time_format).toBe('%Y-%m-%dT%H:%M:%S.%LZ');
  });
});
