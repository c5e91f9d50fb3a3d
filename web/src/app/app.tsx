// The top of the app: who is signed in decides what is shown. Every signed-in session gets its own
// SignedInApp (keyed by the session id), hence its own access-token store and Apollo cache.
import { useCallback, useEffect, useRef, useState } from 'react';
import { AuthScreen } from '../features/auth/auth-screen';
import { SESSION_ENDED_NOTICE } from '../features/auth/session';
import { authClient } from '../lib/auth-client';
import { FullPageError, FullPageLoading } from './full-page-status';
import { SignedInApp } from './signed-in-app';
import { usePublicConfig } from './use-public-config';

export function App() {
  const session = authClient.useSession();
  const publicConfig = usePublicConfig();
  const [notice, setNotice] = useState<string | null>(null);
  // Set when this page ended the session itself (sign-out, or the API refusing every token): show the
  // sign-in form even if the server could not be told and the session cookie is still there.
  const [signedOutHere, setSignedOutHere] = useState(false);
  // After signing in on this page, focus moves to the task screen's heading (not on a plain reload).
  const [signedInHere, setSignedInHere] = useState(false);
  const signOutExpected = useRef(false);

  const sessionId = session.data?.session.id ?? null;
  const previousSessionId = useRef<string | null>(null);
  useEffect(() => {
    // The session vanished without this page signing out (expired, or signed out in another tab).
    if (previousSessionId.current && !sessionId && !signOutExpected.current) setNotice(SESSION_ENDED_NOTICE);
    if (!sessionId) signOutExpected.current = false;
    previousSessionId.current = sessionId;
  }, [sessionId]);

  const onSignedOut = useCallback((reason: string | null) => {
    signOutExpected.current = true;
    setNotice(reason);
    setSignedOutHere(true);
  }, []);

  const onSignedIn = useCallback(() => {
    setNotice(null);
    setSignedOutHere(false);
    setSignedInHere(true);
  }, []);

  if (session.isPending && !session.data) return <FullPageLoading label="Loading Taskgate…" />;

  if (!session.data || signedOutHere) {
    if (session.error && !session.data) {
      return (
        <FullPageError
          title="Taskgate is not reachable"
          message="We could not check whether you are signed in. Check your connection, then retry."
          onRetry={() => void session.refetch()}
        />
      );
    }
    return <AuthScreen notice={notice} onSignedIn={onSignedIn} />;
  }

  if (publicConfig.status === 'loading') return <FullPageLoading label="Loading Taskgate…" />;
  if (publicConfig.status === 'error') {
    return (
      <FullPageError
        title="Taskgate is not reachable"
        message="We could not load the app's settings. Check your connection, then retry."
        onRetry={publicConfig.retry}
      />
    );
  }

  return (
    <SignedInApp
      key={session.data.session.id}
      user={session.data.user}
      apiUrl={publicConfig.config.apiUrl}
      focusOnArrival={signedInHere}
      onSignedOut={onSignedOut}
    />
  );
}
