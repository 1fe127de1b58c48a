// R3: counting characters and message parts. Hot path: ingest counts ~200 k messages a second, so the
// loops walk UTF-16 code units by hand and allocate nothing per message.

// R3: the 28 special characters of the terms count 2 each. The terms print "(0": that is "( )" typed
// without shift, so digits count 1.
const SPECIAL_LIST = "~`!@#$%&*()_=\\-{}[]:;'><?,./";

export const SPECIAL_CHARACTERS: ReadonlySet<string> = new Set(SPECIAL_LIST);

/** R3: one message part is 1000 counted characters. */
export const PART_SIZE = 1000;

const IS_SPECIAL = new Uint8Array(128);
for (const c of SPECIAL_LIST) IS_SPECIAL[c.charCodeAt(0)] = 1;

/** Code points of text and the code points the terms bill: a special counts 2, everything else 1. */
function count(text: string): { characters: number; specials: number } {
  let characters = 0;
  let specials = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 128) {
      specials += IS_SPECIAL[unit]!;
    } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < length) {
      // R3: a character is a code point (Postgres char_length), so a surrogate pair is one; a lone
      // surrogate counts 1, as [...text] does.
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    characters++;
  }
  return { characters, specials };
}

/**
 * R3: characters = code points ([...text].length); billableCharacters = code points with the 28 specials
 * counting 2. countCharacters('Kode: 123') → { characters: 9, billableCharacters: 10 }.
 */
export function countCharacters(text: string): { characters: number; billableCharacters: number } {
  const { characters, specials } = count(text);
  return { characters, billableCharacters: characters + specials };
}

/** R3: the billable character count alone. */
export function billableCharactersOf(text: string): number {
  const { characters, specials } = count(text);
  return characters + specials;
}

/** R3: ceil(billable / 1000); 0 for 0 (an empty message is bad input, rejected before it is counted). */
export function partsForBillableCharacters(billable: number): number {
  if (!Number.isSafeInteger(billable) || billable < 0) {
    throw new RangeError(`Billable character count must be a whole number >= 0, got ${billable}.`);
  }
  const rest = billable % PART_SIZE;
  return (billable - rest) / PART_SIZE + (rest === 0 ? 0 : 1);
}

/** R3: parts a message costs. partsOf('a'.repeat(1001)) === 2; partsOf('.'.repeat(501)) === 2. */
export function partsOf(text: string): number {
  return partsForBillableCharacters(billableCharactersOf(text));
}
