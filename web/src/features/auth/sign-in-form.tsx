import { useId, useRef, useState, type FormEvent } from 'react';
import { authClient, authRequest } from '../../lib/auth-client';
import { TextField } from '../../ui/field';
import { emailError, signInErrors, type AuthFormErrors } from './auth-errors';

export function SignInForm({ onSignedIn, onSwitchToSignUp }: { onSignedIn: () => void; onSwitchToSignUp: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<AuthFormErrors>({});
  const [pending, setPending] = useState(false);
  const emailInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const headingId = useId();
  const formErrorId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const found: AuthFormErrors = {};
    const emailProblem = emailError(email);
    if (emailProblem) found.email = emailProblem;
    if (!password) found.password = 'Enter your password';
    // Cleared first, so the same message after a second failed attempt is announced again.
    setErrors(found);
    if (found.email) return emailInput.current?.focus();
    if (found.password) return passwordInput.current?.focus();

    setPending(true);
    const failure = await authRequest(() => authClient.signIn.email({ email: email.trim(), password }));
    if (!failure) return onSignedIn();
    setPending(false);
    setErrors(signInErrors(failure));
    passwordInput.current?.focus();
    passwordInput.current?.select();
  }

  return (
    <form
      className="auth-form"
      noValidate
      onSubmit={submit}
      aria-labelledby={headingId}
      aria-describedby={errors.form ? formErrorId : undefined}
    >
      <h2 id={headingId}>Sign in to your account</h2>
      {errors.form && (
        <p id={formErrorId} role="alert" className="form-error">
          {errors.form}
        </p>
      )}
      <TextField
        ref={emailInput}
        label="Email"
        type="email"
        name="email"
        autoComplete="email"
        inputMode="email"
        autoFocus
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={errors.email}
      />
      <TextField
        ref={passwordInput}
        label="Password"
        type="password"
        name="password"
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={errors.password}
      />
      <button type="submit" className="button button-primary button-block" disabled={pending} data-pending={pending || undefined}>
        Sign in
      </button>
      <p className="auth-switch">
        New to Taskgate?{' '}
        <button type="button" className="link-button" onClick={onSwitchToSignUp}>
          Create an account
        </button>
      </p>
    </form>
  );
}
