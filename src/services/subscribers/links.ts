import { createHmac, timingSafeEqual } from 'node:crypto';

// Links in emails carry signed tokens, not stored ones: nothing in the database can be stolen to
// forge them, and an email can always be rendered again. Each token names its purpose (a
// confirmation link cannot unsubscribe), its subscriber, the subscriber's link version (raising
// it revokes every link sent), and, for confirmations, an expiry. The MAC is 256 bits of
// HMAC-SHA-256 over all of that, keyed with the instance's signing secret.

export const linkPurposes = ['confirm', 'manage', 'unsubscribe'] as const;
export type LinkPurpose = (typeof linkPurposes)[number];

export interface LinkClaims {
  purpose: LinkPurpose;
  subscriberId: string;
  version: number;
  /** Milliseconds since the epoch; null for links that do not expire. */
  expiresAt: number | null;
}

function mac(secret: string, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/**
 * @example signLink(secret, { purpose: 'manage', subscriberId: 'abc', version: 1, expiresAt: null })
 *   // 'manage.abc.1.-.<43 characters>'
 */
export function signLink(secret: string, claims: LinkClaims): string {
  const body = [
    claims.purpose,
    claims.subscriberId,
    claims.version,
    claims.expiresAt === null ? '-' : claims.expiresAt.toString(36),
  ].join('.');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** The claims of a genuine, unexpired token for `purpose`, or null. */
export function verifyLink(
  secret: string,
  token: string,
  purpose: LinkPurpose,
  now: Date,
): LinkClaims | null {
  const parts = token.split('.');
  if (parts.length !== 5) return null;
  const [tokenPurpose, subscriberId, version, expires, signature] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (tokenPurpose !== purpose || !/^[a-z0-9]{1,64}$/.test(subscriberId)) return null;
  const expected = mac(secret, parts.slice(0, 4).join('.'));
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const expiresAt = expires === '-' ? null : Number.parseInt(expires, 36);
  if (expiresAt !== null && (!Number.isFinite(expiresAt) || expiresAt <= now.getTime()))
    return null;
  return { purpose, subscriberId, version: Number(version), expiresAt };
}
