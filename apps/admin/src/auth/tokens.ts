// API tokens: generation, hashing and constant-time verification.
// Tokens are 192-bit random strings, so a plain SHA-256 hash is enough: a slow KDF (scrypt,
// argon2) protects low-entropy passwords from offline guessing, which is hopeless against 2^192
// possibilities anyway, and it would cost CPU on every Bearer-authenticated request.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TokenRecord, TokensRepo } from '../store/tokens-repo.ts';

/** A new random token: 24 bytes, base64url (32 characters). */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The stored form of a token: SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The active token matching `presented`, compared in constant time against every stored hash. */
export function verifyToken(tokens: TokensRepo, presented: string): TokenRecord | undefined {
  if (presented === '' || presented.length > 512) return undefined;
  const candidate = Buffer.from(hashToken(presented), 'hex');
  let match: TokenRecord | undefined;
  for (const record of tokens.listActive()) {
    const stored = Buffer.from(record.hash, 'hex');
    // No early exit: the time taken does not depend on which token (if any) matched.
    if (stored.length === candidate.length && timingSafeEqual(stored, candidate)) match = record;
  }
  return match;
}
