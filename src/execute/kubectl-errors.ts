/** Turns kubectl's stderr into the one line worth showing: the last meaningful line, without klog noise. */

// klog header: E0612 10:11:12.123456   12345 memcache.go:265] ...
const KLOG_LINE = /^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+\s+[\w.-]+:\d+\]\s?/;
const USAGE_HINT = /^(?:See '.*--help' for usage\.|Run '.*--help' for usage\.)$/;
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * The last meaningful stderr line: klog lines (`memcache.go`, `"Unhandled Error"` ...), blank lines
 * and "See 'kubectl … --help' for usage." are skipped. When only klog lines exist, the message part of
 * the last one is used. Empty string when stderr has nothing to say.
 */
export function summarizeKubectlError(stderr: string | readonly string[]): string {
  const lines = (typeof stderr === 'string' ? stderr.split('\n') : stderr).map((line) => line.replace(ANSI, '').trim()).filter((line) => line !== '');
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index]!;
    if (KLOG_LINE.test(line) || USAGE_HINT.test(line)) continue;
    return line;
  }
  const lastKlog = lines.findLast((line) => KLOG_LINE.test(line));
  return lastKlog === undefined ? '' : lastKlog.replace(KLOG_LINE, '');
}

/** The message for a kubectl binary that cannot be started. */
export function kubectlNotFoundMessage(kubectlPath: string): string {
  return `kubectl not found at ${kubectlPath}: install kubectl or set RK8S_KUBECTL`;
}
