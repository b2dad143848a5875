/** Display form of an argv: for humans to read, never to execute (commands run as argv, no shell). */

const SAFE = /^[A-Za-z0-9_./:=,@%+-]+$/;

/** Quotes one argument the way a POSIX shell reader expects. */
export function quoteArgument(argument: string): string {
  if (argument.length > 0 && SAFE.test(argument)) return argument;
  return `'${argument.replaceAll("'", `'\\''`)}'`;
}

/** "kubectl" followed by the quoted args. */
export function formatCommand(args: readonly string[], program = 'kubectl'): string {
  return [program, ...args.map(quoteArgument)].join(' ');
}

/** Splits a display command back into argv (simple POSIX quoting), for parsing examples and CLI input. */
export function splitCommand(command: string): string[] {
  const result: string[] = [];
  let current = '';
  let inToken = false;
  let quote: '"' | "'" | null = null;
  for (let index = 0; index < command.length; index++) {
    const character = command[index]!;
    if (quote) {
      if (character === quote) quote = null;
      else if (character === '\\' && quote === '"' && index + 1 < command.length) current += command[++index];
      else current += character;
      continue;
    }
    if (character === "'" || character === '"') {
      quote = character;
      inToken = true;
    } else if (character === '\\' && index + 1 < command.length) {
      current += command[++index];
      inToken = true;
    } else if (/\s/.test(character)) {
      if (inToken) result.push(current);
      current = '';
      inToken = false;
    } else {
      current += character;
      inToken = true;
    }
  }
  if (inToken) result.push(current);
  return result;
}
