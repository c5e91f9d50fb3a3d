// Better Auth's error answers (code + HTTP status) as messages placed on the form's fields.
import type { AuthFailure } from '../../lib/auth-client';

export interface AuthFormErrors {
  name?: string;
  email?: string;
  password?: string;
  /** Not about one field: shown above the form. */
  form?: string;
}

export const INVALID_CREDENTIALS = 'Invalid email or password';

export function signInErrors(failure: AuthFailure): AuthFormErrors {
  // The same words whether the email is unknown or the password wrong: no hint which accounts exist.
  if (failure.status === 401 || failure.code === 'INVALID_EMAIL_OR_PASSWORD') return { form: INVALID_CREDENTIALS };
  return commonErrors(failure, 'sign in');
}

export function signUpErrors(failure: AuthFailure): AuthFormErrors {
  switch (failure.code) {
    case 'USER_ALREADY_EXISTS':
    case 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL':
      return { email: 'An account with this email already exists. Sign in instead, or use another email.' };
    case 'PASSWORD_TOO_SHORT':
      return { password: `Password must be at least ${MIN_PASSWORD_LENGTH} characters` };
    case 'PASSWORD_TOO_LONG':
      return { password: `Password must be at most ${MAX_PASSWORD_LENGTH} characters` };
    default:
      return commonErrors(failure, 'create your account');
  }
}

function commonErrors(failure: AuthFailure, action: string): AuthFormErrors {
  if (failure.code === 'INVALID_EMAIL') return { email: 'Enter a valid email address' };
  if (failure.status === 429) return { form: `Too many attempts. Please wait a minute, then try to ${action} again.` };
  // 503 from the web server while the shared rate-limit store is unreachable (web/server/rate-limit-unavailable.ts).
  if (failure.code === 'RATE_LIMIT_UNAVAILABLE') return { form: `Could not ${action} just now. Please try again in a few seconds.` };
  if (failure.status === 0 || failure.status >= 500) return { form: `Could not ${action}: the server did not answer. Please try again.` };
  return { form: `Could not ${action}. Please check the form and try again.` };
}

/** Better Auth's defaults (emailAndPassword.minPasswordLength / maxPasswordLength). */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailError(email: string): string | undefined {
  if (!email.trim()) return 'Enter your email address';
  if (!EMAIL_SHAPE.test(email.trim())) return 'Enter a valid email address, like name@example.com';
  return undefined;
}
