import { describe, expect, it } from 'vitest';
import { createRedirectInbox } from '../../main/electron/redirect-inbox';

describe('createRedirectInbox', () => {
  it('queues URLs that arrive before the core is ready and delivers them in order on attach', () => {
    const inbox = createRedirectInbox();
    inbox.push('a:/1');
    inbox.push('a:/2');
    const got: string[] = [];
    inbox.attach((u) => got.push(u));
    expect(got).toEqual(['a:/1', 'a:/2']);
  });

  it('delivers straight away once attached, without replaying old URLs', () => {
    const inbox = createRedirectInbox();
    inbox.push('a:/early');
    const got: string[] = [];
    inbox.attach((u) => got.push(u));
    inbox.push('a:/late');
    expect(got).toEqual(['a:/early', 'a:/late']);
  });

  it('keeps only the most recent URLs while waiting', () => {
    const inbox = createRedirectInbox();
    for (let i = 1; i <= 20; i++) inbox.push(`a:/${i}`);
    const got: string[] = [];
    inbox.attach((u) => got.push(u));
    expect(got).toHaveLength(8);
    expect(got.at(-1)).toBe('a:/20');
    expect(got[0]).toBe('a:/13');
  });
});
