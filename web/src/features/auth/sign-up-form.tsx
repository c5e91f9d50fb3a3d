import { useId, useRef, useState, type FormEvent } from 'react';
import { authClient, authRequest } from '../../lib/auth-client';
import { TextField } from '../../ui/field';
import { emailError, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, signUpErrors, type AuthFormErrors } from './auth-errors';

export function SignUpForm({ onSignedIn, onSwitchToSignIn }: { onSignedIn: () => void; onSwitchToSignIn: () => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<AuthFormErrors>({});
  const [pending, setPending] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);
  const emailInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const headingId = useId();
  const formErrorId = useId();

  function focusFirstError(found: AuthFormErrors) {
    if (found.name) nameInput.current?.focus();
    else if (found.email) emailInput.current?.focus();
    else if (found.password) passwordInput.current?.focus();
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const found: AuthFormErrors = {};
    if (!name.trim()) found.name = 'Enter your name';
    const emailProblem = emailError(email);
    if (emailProblem) found.email = emailProblem;
    if (password.length < MIN_PASSWORD_LENGTH) found.password = `Password must be at least ${MIN_PASSWORD_LENGTH} characters`;
    else if (password.length > MAX_PASSWORD_LENGTH) found.password = `Password must be at most ${MAX_PASSWORD_LENGTH} characters`;
    setErrors(found);
    if (Object.keys(found).length > 0) return focusFirstError(found);

    setPending(true);
    const failure = await authRequest(() => authClient.signUp.email({ name: name.trim(), email: email.trim(), password }));
    if (!failure) return onSignedIn();
    setPending(false);
    const serverErrors = signUpErrors(failure);
    setErrors(serverErrors);
    focusFirstError(serverErrors);
  }

  return (
    <form
      className="auth-form"
      noValidate
      onSubmit={submit}
      aria-labelledby={headingId}
      aria-describedby={errors.form ? formErrorId : undefined}
    >
      <h2 id={headingId}>Create your account</h2>
      {errors.form && (
        <p id={formErrorId} role="alert" className="form-error">
          {errors.form}
        </p>
      )}
      <TextField
        ref={nameInput}
        label="Name"
        name="name"
        autoComplete="name"
        autoFocus
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={errors.name}
      />
      <TextField
        ref={emailInput}
        label="Email"
        type="email"
        name="email"
        autoComplete="email"
        inputMode="email"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={errors.email}
      />
      <TextField
        ref={passwordInput}
        label="Password"
        type="password"
        name="password"
        autoComplete="new-password"
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={errors.password}
      />
      <button type="submit" className="button button-primary button-block" disabled={pending} data-pending={pending || undefined}>
        Sign up
      </button>
      <p className="auth-switch">
        Already have an account?{' '}
        <button type="button" className="link-button" onClick={onSwitchToSignIn}>
          Use an existing account
        </button>
      </p>
    </form>
  );
}
