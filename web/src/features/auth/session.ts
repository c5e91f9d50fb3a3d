// The signed-in session as the rest of the app sees it: who, how to reach the API, how to leave.
import { createContext, useContext } from 'react';
import type { AccessTokenStore } from '../../lib/access-token';
import type { SessionUser } from '../../lib/auth-client';

export const SESSION_ENDED_NOTICE = 'Your session has ended, please sign in again';

export interface SignedInSession {
  user: SessionUser;
  /** The GraphQL endpoint (also where the API serves GraphiQL). */
  apiUrl: string;
  accessTokens: AccessTokenStore;
  signOut(): Promise<void>;
  signingOut: boolean;
  signOutError: string | null;
}

export const SessionContext = createContext<SignedInSession | null>(null);

export function useSignedInSession(): SignedInSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSignedInSession() outside a signed-in session');
  return session;
}
