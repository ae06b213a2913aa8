import { useCallback, useEffect, useState } from 'react';
import type { OrgView, SignInPhase, SignInStatusDto } from '../../../preload/contract';
import { call, onAppEvent } from '../api';
import { formatTime, useOnline } from '../hooks';
import { ErrorNote } from './ErrorNote';

type Provider = 'salesforce' | 'okta';
const LABEL: Record<Provider, string> = { salesforce: 'Salesforce', okta: 'Okta' };

interface Live {
  phase?: SignInPhase;
  message?: string;
}

/** Sign in / cancel / sign out per provider; state follows main's events. Never shows a token. */
export function SignInPanel({ org, onSignedIn }: { org: OrgView; onSignedIn?: () => void }) {
  const online = useOnline();
  // undefined until main has answered: no action is offered before we know which one is right, so a
  // click can never land on "Sign in" just as it turns into "Sign out".
  const [statuses, setStatuses] = useState<SignInStatusDto[] | undefined>(undefined);
  const [live, setLive] = useState<Partial<Record<Provider, Live>>>({});
  const [error, setError] = useState<unknown>();

  const refresh = useCallback(async () => {
    try {
      setStatuses((await call('signIn.status', { alias: org.alias })).statuses);
    } catch (e) {
      setError(e);
    }
  }, [org.alias]);

  // Another org: forget what we knew until main answers for it.
  useEffect(() => setStatuses(undefined), [org.alias]);

  useEffect(() => {
    setLive({});
    setError(undefined);
    void refresh();
    return onAppEvent((e) => {
      if (e.type !== 'sign-in' || e.alias !== org.alias) return;
      setLive((l) => ({
        ...l,
        [e.provider]: { phase: e.phase, ...(e.message ? { message: e.message } : {}) },
      }));
      if (e.phase === 'signed-in') {
        void refresh();
        onSignedIn?.();
      }
    });
  }, [org.alias, refresh, onSignedIn]);

  // Fallback for a missed event: while a sign-in is pending, ask main for the status now and then.
  const anyWaiting = Object.values(live).some(
    (l) => l?.phase === 'waiting-for-browser' || l?.phase === 'exchanging',
  );
  useEffect(() => {
    if (!anyWaiting) return;
    const timer = setInterval(() => void refresh(), 3000);
    return () => clearInterval(timer);
  }, [anyWaiting, refresh]);
  useEffect(() => {
    for (const s of statuses ?? []) {
      if (
        s.signedIn &&
        (live[s.provider]?.phase === 'waiting-for-browser' || live[s.provider]?.phase === 'exchanging')
      ) {
        setLive((l) => ({ ...l, [s.provider]: { phase: 'signed-in' } }));
      }
    }
  }, [statuses, live]);

  async function act(fn: () => Promise<unknown>) {
    setError(undefined);
    try {
      await fn();
    } catch (e) {
      setError(e);
    }
    await refresh();
  }

  const providers: Provider[] = org.okta ? ['salesforce', 'okta'] : ['salesforce'];
  return (
    <section className="card" aria-labelledby="signin-title">
      <h2 id="signin-title">Sign-in</h2>
      {!online && <p className="offline-note">You are offline. Signing in needs a network connection.</p>}
      <ul className="signin-list">
        {providers.map((p) => {
          const s = statuses?.find((x) => x.provider === p);
          const l = live[p];
          const waiting = l?.phase === 'waiting-for-browser' || l?.phase === 'exchanging';
          return (
            <li key={p} className="signin-row" data-provider={p}>
              <div className="signin-state" aria-live="polite">
                <strong>{LABEL[p]}:</strong>{' '}
                {waiting
                  ? l?.phase === 'exchanging'
                    ? 'Finishing sign-in…'
                    : 'Waiting for you to finish signing in in your browser…'
                  : s?.signedIn
                    ? `Signed in as ${s.username ?? 'an unknown user'}${s.since ? ` since ${formatTime(s.since)}` : ''}`
                    : statuses
                      ? 'Not signed in'
                      : 'Checking…'}
                {l?.phase === 'cancelled' && !s?.signedIn && (
                  <span className="muted"> (sign-in cancelled)</span>
                )}
                {l?.phase === 'error' && l.message && (
                  <span className="field-error" role="alert">
                    {' '}
                    {l.message}
                  </span>
                )}
              </div>
              <div className="actions">
                {!statuses && !waiting ? null : waiting ? (
                  <button
                    key="cancel"
                    type="button"
                    onClick={() => void act(() => call('signIn.cancel', { alias: org.alias, provider: p }))}
                  >
                    Cancel sign-in
                  </button>
                ) : s?.signedIn ? (
                  <button
                    key="sign-out"
                    type="button"
                    onClick={() => void act(() => call('signIn.signOut', { alias: org.alias, provider: p }))}
                  >
                    Sign out of {LABEL[p]}
                  </button>
                ) : (
                  <button
                    key="sign-in"
                    type="button"
                    className="primary"
                    disabled={!online}
                    onClick={() =>
                      void act(async () => {
                        setLive((x) => ({ ...x, [p]: { phase: 'waiting-for-browser' } }));
                        try {
                          await call('signIn.start', { alias: org.alias, provider: p });
                        } catch (e) {
                          setLive((x) => ({ ...x, [p]: {} }));
                          throw e;
                        }
                      })
                    }
                  >
                    Sign in to {LABEL[p]}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      <ErrorNote error={error} />
    </section>
  );
}
