// A bound on what JSON.parse of a text can build, checked before parsing: parsing allocates an
// object, array or string for nearly every value, so a 2 MiB body of `[[],[],…]` becomes ~700k
// arrays (tens of MB of heap). Every value or key of a JSON text other than the first follows
// one of `[ { , :` outside a string, so their number plus one bounds how many values and keys it
// holds. One linear pass that jumps over string contents; no allocation.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;

/** Whether `text` holds at most `max` JSON values and keys (counted as above; invalid JSON counts too). */
export function withinJsonValues(text: string, max: number): boolean {
  let count = 1;
  if (count > max) return false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      continue;
    }
    if (c === COMMA || c === COLON || c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++count > max) return false;
    }
  }
  return true;
}

/** Index of the quote closing the string opened at `open` (or the text's end when unclosed). */
function stringEnd(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return text.length;
    // Escaped when an odd run of backslashes precedes it.
    let slashes = 0;
    while (text.charCodeAt(at - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return at;
  }
}
