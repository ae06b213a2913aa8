/**
 * PKCE (RFC 7636) with S256 only, plus the `state` value of RFC 6749 §10.12.
 * Pure functions over Node's CSPRNG; nothing here is logged or stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PilotError } from '../errors';

/**
 * RFC 7636 §4.1 allows [A-Z a-z 0-9 - . _ ~]. We use only [A-Za-z0-9_-]: Salesforce has been seen
 * rejecting verifiers containing '~' ("invalid code verifier"), and '.' buys nothing.
 */
const VERIFIER_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** RFC 7636 §4.1: 43–128 characters. We create at least 64 (≈384 bits of entropy). */
export const MIN_CREATED_VERIFIER_LENGTH = 64;
export const MAX_VERIFIER_LENGTH = 128;
const RFC_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Characters drawn uniformly from `alphabet` by rejection sampling (no modulo bias). */
function randomString(length: number, alphabet: string): string {
  // Accept only bytes below the largest multiple of the alphabet size; with 64 symbols that is
  // every byte, but the rule stays correct if the alphabet ever changes.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= limit) continue;
      out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A fresh code verifier (RFC 7636 §4.1), 64–128 characters over [A-Za-z0-9_-]. */
export function createCodeVerifier(length = MIN_CREATED_VERIFIER_LENGTH): string {
  if (!Number.isInteger(length) || length < MIN_CREATED_VERIFIER_LENGTH || length > MAX_VERIFIER_LENGTH) {
    throw new PilotError(
      'invalid-input',
      `A code verifier must be ${MIN_CREATED_VERIFIER_LENGTH}–${MAX_VERIFIER_LENGTH} characters long.`,
      'Use the default length.',
    );
  }
  return randomString(length, VERIFIER_ALPHABET);
}

/** code_challenge = BASE64URL(SHA256(ASCII(code_verifier))) — RFC 7636 §4.2, method S256. */
export function codeChallengeS256(verifier: string): string {
  if (!RFC_VERIFIER.test(verifier)) {
    throw new PilotError(
      'invalid-input',
      'The code verifier is not a valid RFC 7636 verifier.',
      'Start the sign-in again.',
    );
  }
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** An unguessable `state` (RFC 6749 §10.12): 32 random bytes = 256 bits, base64url. */
export function createState(): string {
  return randomBytes(32).toString('base64url');
}
