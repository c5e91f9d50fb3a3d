// What a signed-out person sees: sign in, or create an account, plus why they were signed out.
import { useState } from 'react';
import { SignInForm } from './sign-in-form';
import { SignUpForm } from './sign-up-form';

export function AuthScreen({ notice, onSignedIn }: { notice: string | null; onSignedIn: () => void }) {
  const [mode, setMode] = useState<'sign-in' | 'sign-up'>('sign-in');
  return (
    <main id="main" className="auth-screen">
      <div className="auth-intro">
        <p className="brand brand-large" aria-hidden="true">
          <span className="brand-mark" /> Taskgate
        </p>
        <h1>Your tasks, and only yours.</h1>
        <p className="muted">Sign in to see and manage your tasks. Nobody else can read them.</p>
      </div>
      <div className="card auth-card">
        {notice && (
          <p role="alert" className="notice">
            {notice}
          </p>
        )}
        {mode === 'sign-in' ? (
          <SignInForm onSignedIn={onSignedIn} onSwitchToSignUp={() => setMode('sign-up')} />
        ) : (
          <SignUpForm onSignedIn={onSignedIn} onSwitchToSignIn={() => setMode('sign-in')} />
        )}
      </div>
    </main>
  );
}
