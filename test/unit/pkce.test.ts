import { describe, expect, it } from 'vitest';
import { codeChallengeS256, createCodeVerifier, createState } from '../../main/core/auth/pkce';

describe('pkce', () => {
  it('matches the RFC 7636 Appendix B S256 vector', () => {
    expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('creates 64-character verifiers over [A-Za-z0-9_-] by default, without "~"', () => {
    for (let i = 0; i < 200; i++) {
      const v = createCodeVerifier();
      expect(v).toMatch(/^[A-Za-z0-9_-]{64}$/);
    }
  });

  it('honours lengths 64–128 and refuses others', () => {
    expect(createCodeVerifier(128)).toHaveLength(128);
    expect(createCodeVerifier(100)).toHaveLength(100);
    for (const bad of [43, 63, 129, 64.5, Number.NaN]) {
      expect(() => createCodeVerifier(bad)).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    }
  });

  it('uses every symbol of the alphabet roughly uniformly (no modulo bias)', () => {
    const counts = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < 400; i++) {
      for (const c of createCodeVerifier(128)) {
        counts.set(c, (counts.get(c) ?? 0) + 1);
        total++;
      }
    }
    expect(counts.size).toBe(64);
    const expected = total / 64; // 800 per symbol
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(expected * 0.75);
      expect(n).toBeLessThan(expected * 1.25);
    }
  });

  it('creates distinct verifiers and states', () => {
    const verifiers = new Set(Array.from({ length: 100 }, () => createCodeVerifier()));
    const states = new Set(Array.from({ length: 100 }, () => createState()));
    expect(verifiers.size).toBe(100);
    expect(states.size).toBe(100);
  });

  it('creates states of at least 128 bits, base64url', () => {
    const s = createState();
    expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(s, 'base64url').length).toBeGreaterThanOrEqual(16);
  });

  it('refuses to derive a challenge from a malformed verifier', () => {
    expect(() => codeChallengeS256('short')).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    expect(() => codeChallengeS256('a'.repeat(129))).toThrow();
    expect(() => codeChallengeS256(`${'a'.repeat(50)} `)).toThrow();
  });
});
