import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A 12-character lowercase base-36 id, the shape of Statuspage's ids (about 62 bits of entropy).
 * @example newId() // 'kctbh9vrtdwd'
 */
export function newId(): string {
  const bytes = randomBytes(12);
  let id = '';
  // 252 is the largest multiple of 36 below 256: rejecting bytes above it keeps every letter equally likely.
  for (let i = 0; id.length < 12; i++) {
    const byte = i < bytes.length ? (bytes[i] as number) : (randomBytes(1)[0] as number);
    if (byte < 252) id += alphabet[byte % 36];
  }
  return id;
}
