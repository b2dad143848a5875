/** Terminal colour for the CLI, off for NO_COLOR, --no-color, and output that is not a terminal. */

let enabled = process.stdout.isTTY === true && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';

/** Turns colour off (or on) for the rest of the process. */
export function setColor(value: boolean): void {
  enabled = value && !('NO_COLOR' in process.env);
}

/** Whether colour is in use. */
export function colorEnabled(): boolean {
  return enabled;
}

const wrap = (open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);

/** ANSI styles that become no-ops without colour. */
export const style = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  blue: wrap(34, 39),
  magenta: wrap(35, 39),
  cyan: wrap(36, 39),
  gray: wrap(90, 39),
};

/** Colour for a risk level. */
export function riskStyle(risk: string): (text: string) => string {
  switch (risk) {
    case 'high':
      return style.red;
    case 'medium':
      return style.yellow;
    case 'low':
      return style.cyan;
    default:
      return style.green;
  }
}
