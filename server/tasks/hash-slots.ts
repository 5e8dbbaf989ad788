/**
 * Redis Cluster's key → slot mapping (CRC16/XMODEM of the key's hash tag, mod 16384), and one short
 * tag per slot. A task id carries the tag of its owner's slot, so the task's key lands in the same
 * slot as the owner's meta, log and indexes (one atomic script, no CROSSSLOT) while the id itself
 * reveals nothing about who owns it and stays short.
 */
const SLOT_COUNT = 16384;

const crcTable = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ (crcTable[((crc >> 8) ^ byte) & 0xff] ?? 0);
  return crc;
}

/** The slot Redis Cluster assigns `key`: only the part inside the first non-empty `{…}` counts. */
export function hashSlot(key: string): number {
  let hashed = key;
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) hashed = key.slice(open + 1, close);
  }
  return crc16(Buffer.from(hashed, 'utf8')) % SLOT_COUNT;
}

/** Tags are exactly this long, from this alphabet: fixed-width, so an id can be split without a separator. */
export const SLOT_TAG_LENGTH = 4;
const TAG_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

let tagsBySlot: string[] | null = null;

/**
 * The first tag (in a fixed enumeration order, so every process and version agrees) that hashes to
 * each slot. About 160,000 CRCs, a few milliseconds, once per process.
 */
function slotTags(): string[] {
  if (tagsBySlot) return tagsBySlot;
  const tags: string[] = new Array(SLOT_COUNT);
  let missing = SLOT_COUNT;
  const base = TAG_ALPHABET.length;
  const limit = base ** SLOT_TAG_LENGTH;
  for (let n = 0; n < limit && missing > 0; n++) {
    let tag = '';
    for (let rest = n, i = 0; i < SLOT_TAG_LENGTH; i++, rest = Math.floor(rest / base)) {
      tag = TAG_ALPHABET[rest % base] + tag;
    }
    const slot = hashSlot(tag);
    if (tags[slot] === undefined) {
      tags[slot] = tag;
      missing--;
    }
  }
  if (missing > 0) throw new Error('slot tag alphabet does not cover every slot');
  tagsBySlot = tags;
  return tags;
}

/** A short tag whose slot is `key`'s slot. */
export function slotTagOf(key: string): string {
  const tag = slotTags()[hashSlot(key)];
  if (tag === undefined) throw new Error('no tag for slot');
  return tag;
}
