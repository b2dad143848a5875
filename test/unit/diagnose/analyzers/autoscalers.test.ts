import { describe, expect, it } from 'vitest';
import { autoscalerAnalyzer } from '../../../../src/diagnose/analyzers/autoscalers.js';
import { SnapshotIndex } from '../../../../src/diagnose/snapshot-index.js';
import type { Snapshot } from '../../../../src/diagnose/snapshot-types.js';
import { container, deployment, hpa, snapshotOf } from '../fixtures.js';

const run = (parts: Partial<Snapshot>) => autoscalerAnalyzer.analyze(new SnapshotIndex(snapshotOf(parts)));
const target = { kind: 'Deployment', name: 'api' };

describe('autoscaler analyzer', () => {
  it('finds nothing for a working autoscaler', () => {
    expect(run({ deployments: [deployment('api')], horizontalPodAutoscalers: [hpa('api', target)] })).toEqual([]);
  });

  it('reports a target that does not exist', () => {
    const [finding] = run({ horizontalPodAutoscalers: [hpa('api', target)] });
    expect(finding).toMatchObject({ reason: 'HPATargetMissing' });
    expect(finding!.summary).toBe('HorizontalPodAutoscaler api scales Deployment api, which does not exist.');
    // Nothing to describe for a target that is not there: only the autoscaler itself.
    expect(finding!.remediations.map((remediation) => `${remediation.request.intent} ${remediation.request.resource}`)).toEqual(['describe hpa']);
  });

  it('says a DaemonSet cannot be autoscaled when the autoscaler cannot get its scale', () => {
    const [finding] = run({ horizontalPodAutoscalers: [hpa('agent', { kind: 'DaemonSet', name: 'agent' }, { conditions: [{ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: 'the HPA controller was unable to get the target\'s current scale: the server could not find the requested resource' }] })] });
    expect(finding).toMatchObject({ reason: 'HPAUnableToScale' });
    expect(finding!.check).toContain('a DaemonSet has no replica count (no scale subresource)');
  });

  it('reports scaling on CPU utilization without CPU requests, naming the containers', () => {
    const noRequests = deployment('api', { containers: [container('api', { resources: { limits: { memory: '256Mi' } } }), container('envoy')] });
    const [finding] = run({
      deployments: [noRequests],
      horizontalPodAutoscalers: [hpa('api', target, { conditions: [{ type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container api of Pod api-1' }] })],
    });
    expect(finding).toMatchObject({ reason: 'HPAMissingRequests' });
    expect(finding!.summary).toContain('cpu (containers without a request: api)');
    expect(finding!.check).toBe('add resource requests for cpu to every container of Deployment api');
  });

  it.each([
    ['ScalingActive', 'FailedGetResourceMetric', 'unable to get metrics for resource cpu: no metrics returned from resource metrics API', 'HPAScalingInactive'],
    ['AbleToScale', 'FailedGetScale', 'the HPA controller was unable to get the target\'s current scale', 'HPAUnableToScale'],
  ])('reports %s=False (%s)', (type, reason, message, code) => {
    const [finding] = run({ deployments: [deployment('api')], horizontalPodAutoscalers: [hpa('api', target, { conditions: [{ type, status: 'False', reason, message }] })] });
    expect(finding).toMatchObject({ reason: code });
    expect(finding!.summary).toContain(message);
  });

  it('reports an autoscaler pinned at maxReplicas that wants more', () => {
    const [finding] = run({ deployments: [deployment('api', { replicas: 10 })], horizontalPodAutoscalers: [hpa('api', target, { max: 10, current: 10, conditions: [{ type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' }] })] });
    expect(finding).toMatchObject({ reason: 'HPAAtMaxReplicas' });
    expect(finding!.check).toContain('raise spec.maxReplicas (now 10)');
  });
});
