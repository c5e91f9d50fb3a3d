import { useSignedInSession } from './session';

export function SessionHeader() {
  const { user, signOut, signingOut, signOutError } = useSignedInSession();
  return (
    <div className="session-header">
      <p className="session-user">
        <span className="muted">Signed in as</span> <strong className="session-email">{user.email}</strong>
      </p>
      <button type="button" className="button button-quiet" onClick={() => void signOut()} disabled={signingOut} data-pending={signingOut || undefined}>
        Sign out
      </button>
      {signOutError && (
        <p role="alert" className="form-error session-error">
          {signOutError}
        </p>
      )}
    </div>
  );
}
