/** Probe failures in the kubelet's words: "Readiness probe failed: HTTP probe failed with statuscode: 503". */
import type { Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { Fault } from '../scenario-types.js';

/** Which probe. */
export type ProbeKind = 'Readiness' | 'Liveness' | 'Startup';

/** The text after "<Kind> probe failed: " for this probe and fault. */
export function probeFailureText(probe: Probe, pod: Pod, fault: Fault | undefined, kind: ProbeKind): string {
  if (fault?.message) return fault.message;
  const podIP = pod.status?.podIP ?? '10.244.0.2';
  if (probe.httpGet) {
    const code = fault?.statusCode ?? (kind === 'Readiness' ? 503 : 500);
    return `HTTP probe failed with statuscode: ${code}`;
  }
  if (probe.tcpSocket) return `dial tcp ${probe.tcpSocket.host ?? podIP}:${String(probe.tcpSocket.port)}: connect: connection refused`;
  if (probe.grpc) return `timeout: failed to connect service ":${probe.grpc.port}" within 1s`;
  // An exec probe reports the command's output, which a failing health check often leaves empty.
  if (probe.exec) return '';
  return 'probe failed';
}

/** The event message of one failed probe. */
export function probeFailureMessage(probe: Probe, pod: Pod, fault: Fault | undefined, kind: ProbeKind): string {
  return `${kind} probe failed: ${probeFailureText(probe, pod, fault, kind)}`;
}

/** Seconds between two probes, and before the first. */
export function probeTiming(probe: Probe): { periodMs: number; initialDelayMs: number; failureThreshold: number } {
  return {
    periodMs: (probe.periodSeconds ?? 10) * 1000,
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    failureThreshold: probe.failureThreshold ?? 3,
  };
}
