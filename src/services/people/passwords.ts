import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// Passwords are hashed with scrypt, memory-hard, from node:crypto. The policy follows NIST SP
// 800-63B: long enough, not a known common password, no composition rules.

const params = { N: 2 ** 15, r: 8, p: 1, keyLength: 64 };
const maxmem = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, p: typeof params): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFKC'),
      salt,
      p.keyLength,
      { N: p.N, r: p.r, p: p.p, maxmem },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash`, so parameters can grow without breaking stored hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/** Whether the password matches the stored hash, compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), {
    N: Number(N),
    r: Number(r),
    p: Number(p),
    keyLength: expected.length,
  });
  return timingSafeEqual(key, expected);
}

/** A hash no password matches, verified for unknown accounts so they take as long as known ones. */
export const decoyHash = `scrypt$${params.N}$${params.r}$${params.p}$AAAAAAAAAAAAAAAAAAAAAA$${Buffer.alloc(64).toString('base64url')}`;

/** Common passwords long enough to pass the length rule; people pick them anyway. */
const common = new Set([
  'password1234',
  'password12345',
  'password123456',
  '123456789012',
  '1234567890123',
  '12345678901234',
  'qwertyuiopas',
  'qwertyuiop12',
  'qwerty123456',
  '123456qwerty',
  'iloveyou1234',
  'administrator',
  'letmein12345',
  'welcome12345',
  'changeme1234',
  'passwordpassword',
  'aaaaaaaaaaaa',
  '111111111111',
  '000000000000',
  'abcdefghijkl',
  'abc123456789',
  'trustno11234',
  'football1234',
  'baseball1234',
  'superman1234',
  'whatever1234',
  'qazwsxedcrfv',
  '1qaz2wsx3edc',
  'zaq12wsxcde3',
  'monkey123456',
  'dragon123456',
  'sunshine1234',
  'princess1234',
  'starwars1234',
  'computer1234',
  'p@ssw0rd1234',
  'passw0rd1234',
  'correcthorsebatterystaple',
  'mypassword123',
  'password!234',
  'password2024',
  'password2025',
  'password2026',
  'summer202626',
  'winter202626',
  'qwertyqwerty',
  'asdfghjkl123',
]);

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, email: string): string | null {
  if ([...password].length < 12) return 'must be at least 12 characters';
  if ([...password].length > 256) return 'must be at most 256 characters';
  const lowered = password.toLowerCase();
  if (common.has(lowered)) return 'is a commonly used password; choose another';
  if (new Set(lowered).size <= 2) return 'repeats too few characters; choose another';
  if (lowered === email.toLowerCase() || lowered === email.split('@')[0]?.toLowerCase()) {
    return 'must not be your email address';
  }
  return null;
}

/** A random password for a new account, shown once. */
export const generatePassword = () => randomBytes(18).toString('base64url');
