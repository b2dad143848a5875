/**
 * Characters no kubectl argument (and no request field that feeds one) may contain: every Unicode
 * control (Cc, C0 and C1, U+0085 and U+009B included), format character (Cf: bidi overrides,
 * zero-width spaces and joiners, the BOM, U+180E), surrogate, private-use or unassigned code point,
 * every space but the ASCII one (Zs, Zl, Zp: NBSP, U+2028...) and the fillers that render as nothing
 * (Hangul fillers, the braille blank). They forge log lines, hide text from the human who confirms
 * a command, or make two different arguments look alike.
 */

/** One unsafe character; the `u` flag makes \p{…} match whole code points (a lone surrogate included). */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\u115f\u1160\u2800\u3164\uffa0]|(?! )\p{Zs}/u;
/** Printable ASCII: the common case, checked first because it is much cheaper. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

// Built on first use: `new RegExp` parses its pattern at once, and this one's Unicode classes cost ~1 ms,
// which a command whose text is all printable ASCII (the common case) never needs.
let unsafeGlobal: RegExp | undefined;

function codePointLabel(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The text with every unsafe character shown as "<U+202E>", safe to print in a message. */
export function escapeUnsafe(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  unsafeGlobal ??= new RegExp(UNSAFE.source, 'gu');
  return text.replace(unsafeGlobal, (character) => `<${codePointLabel(character)}>`);
}

/** The first unsafe character of a text, as "U+00A0", or undefined when the text is clean. */
export function findUnsafeCharacter(text: string): string | undefined {
  if (PRINTABLE_ASCII.test(text)) return undefined;
  const match = UNSAFE.exec(text);
  return match ? codePointLabel(match[0]) : undefined;
}

/** True when the text has no unsafe character (see findUnsafeCharacter). */
export function isSafeText(text: string): boolean {
  return findUnsafeCharacter(text) === undefined;
}

/** The message for a field that holds an unsafe character, naming the character. */
export function unsafeCharacterMessage(character: string): string {
  return `must not contain ${character}: control, format (bidi, zero-width), non-ASCII space and invisible characters are not accepted`;
}
