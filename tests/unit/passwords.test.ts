import { describe, expect, it } from 'vitest';
import {
  decoyHash,
  hashPassword,
  passwordProblem,
  verifyPassword,
} from '#services/people/passwords.ts';

describe('passwordProblem', () => {
  it.each([
    ['short', 'must be at least 12 characters'],
    ['password1234', 'is a commonly used password; choose another'],
    ['Password1234', 'is a commonly used password; choose another'],
    ['abababababab', 'repeats too few characters; choose another'],
    ['dana.lee@example.com', 'must not be your email address'],
    ['x'.repeat(257), 'must be at most 256 characters'],
  ])('refuses %j: %s', (password, problem) => {
    expect(passwordProblem(password, 'dana.lee@example.com')).toBe(problem);
  });

  it('takes long passwords without composition rules, spaces and all', () => {
    expect(passwordProblem('correct horse battery', 'dana@example.com')).toBeNull();
    expect(passwordProblem('ünïcödé-pässwörd', 'dana@example.com')).toBeNull();
  });
});

describe('scrypt hashes', () => {
  it('verify the right password only, and carry their parameters and a fresh salt', async () => {
    const hash = await hashPassword('a long enough passphrase');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    expect(await verifyPassword('a long enough passphrase', hash)).toBe(true);
    expect(await verifyPassword('a long enough passphrasE', hash)).toBe(false);
    expect(await hashPassword('a long enough passphrase')).not.toBe(hash);
  });

  it('never match the decoy used for unknown accounts', async () => {
    expect(await verifyPassword('', decoyHash)).toBe(false);
    expect(await verifyPassword('anything at all here', decoyHash)).toBe(false);
  });
});
