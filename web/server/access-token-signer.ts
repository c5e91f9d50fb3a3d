// Better Auth's jwt plugin signs only with asymmetric keys it keeps in the jwks table, while the API
// verifies HS256 with a shared secret (docs/decisions/0001-hs256-shared-secret.md). The plugin's
// `jwt.sign` hook is its one way to use another algorithm: this is the signer it is given.
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE } from '@taskgate/shared/token-contract';
import { SignJWT, type JWTPayload } from 'jose';

export type AccessTokenSigner = (payload: JWTPayload) => Promise<string>;

/** Signs the claims the plugin assembled (sub, iat, exp, iss, aud) exactly as given. */
export function createAccessTokenSigner(secret: Uint8Array): AccessTokenSigner {
  return (payload) =>
    new SignJWT(payload).setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE }).sign(secret);
}
