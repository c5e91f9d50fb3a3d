// Everything a signed-in person sees. Built once per session: its own access-token store and its own
// Apollo Client, so nothing of one session's data or token can reach the next one.
import { ApolloProvider } from '@apollo/client/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiAccessPanel } from '../features/api-access/api-access-panel';
import { SESSION_ENDED_NOTICE, SessionContext, type SignedInSession } from '../features/auth/session';
import { SessionHeader } from '../features/auth/session-header';
import { createLiveTaskEvents } from '../features/tasks/live-task-events';
import { TasksView } from '../features/tasks/tasks-view';
import { createAccessTokenStore } from '../lib/access-token';
import { createApiClient } from '../lib/apollo';
import { authClient, authRequest, fetchAccessToken, type SessionUser } from '../lib/auth-client';

interface SignedInAppProps {
  user: SessionUser;
  apiUrl: string;
  /** Move focus to the task screen's heading when it appears (right after signing in). */
  focusOnArrival: boolean;
  /** The session is over on this page; `reason` is shown on the sign-in form (null: the person chose to leave). */
  onSignedOut: (reason: string | null) => void;
}

export function SignedInApp({ user, apiUrl, focusOnArrival, onSignedOut }: SignedInAppProps) {
  const sessionEnded = useRef<() => void>(() => undefined);
  const [{ accessTokens, client, liveTaskEvents }] = useState(() => {
    const accessTokens = createAccessTokenStore(fetchAccessToken, { onSessionEnded: () => sessionEnded.current() });
    const client = createApiClient({ apiUrl, accessTokens, onSessionEnded: () => sessionEnded.current() });
    return { accessTokens, client, liveTaskEvents: createLiveTaskEvents(client) };
  });
  const [signingOut, setSigningOut] = useState(false);
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const ended = useRef(false);
  const mounted = useRef(false);

  // Leave this page's state behind: the token first (no request may use it any more), then the cache.
  const forget = useCallback(() => {
    accessTokens.clear();
    void client.clearStore().catch(() => undefined);
  }, [accessTokens, client]);

  const signOut = useCallback(async () => {
    if (ended.current) return;
    setSigningOut(true);
    setSignOutError(null);
    // Closed first: the sign-out revokes the session, which ends the stream, and a stream still open
    // here would try a new token and report "session ended" instead of a plain sign-out.
    liveTaskEvents.stop();
    const failure = await authRequest(() => authClient.signOut());
    if (failure && failure.status !== 401) {
      if (mounted.current) liveTaskEvents.start();
      setSigningOut(false);
      setSignOutError('Could not sign out: the server did not answer. Please try again.');
      return;
    }
    ended.current = true;
    onSignedOut(null);
    forget();
  }, [forget, liveTaskEvents, onSignedOut]);

  // The API refused even a fresh token, or Better Auth has no session any more: sign out here at once,
  // and tell the server too (its answer does not matter).
  useEffect(() => {
    sessionEnded.current = () => {
      if (ended.current) return;
      ended.current = true;
      onSignedOut(SESSION_ENDED_NOTICE);
      forget();
      void authRequest(() => authClient.signOut());
    };
  }, [forget, onSignedOut]);

  // Also when the session disappears from under us (expired, signed out in another tab). Deferred one
  // tick because React's StrictMode unmounts and remounts once in development.
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      setTimeout(() => {
        if (!mounted.current) forget();
      }, 0);
    };
  }, [forget]);

  // Changes made in other tabs and devices show here without a reload, while this session lasts.
  useEffect(() => {
    liveTaskEvents.start();
    return () => liveTaskEvents.stop();
  }, [liveTaskEvents]);

  const session = useMemo<SignedInSession>(
    () => ({ user, apiUrl, accessTokens, signOut, signingOut, signOutError }),
    [user, apiUrl, accessTokens, signOut, signingOut, signOutError],
  );

  return (
    <ApolloProvider client={client}>
      <SessionContext value={session}>
        <a className="skip-link" href="#main">
          Skip to your tasks
        </a>
        <header className="app-header">
          <div className="app-header-inner">
            <p className="brand">
              <span className="brand-mark" aria-hidden="true" />
              Taskgate
            </p>
            <SessionHeader />
          </div>
        </header>
        <main id="main" className="app-main" tabIndex={-1}>
          <div className="layout">
            <TasksView focusHeadingOnMount={focusOnArrival} />
            <ApiAccessPanel />
          </div>
        </main>
      </SessionContext>
    </ApolloProvider>
  );
}
