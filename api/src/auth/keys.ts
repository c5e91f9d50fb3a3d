// Which key checks an access token's signature, per JWT_MODE. Each mode accepts its one algorithm, so an
// HS256 token "signed" with the Ed25519 public key (algorithm confusion) is refused in eddsa mode and an
// EdDSA token in hs256 mode, before any key is looked at (jose checks `algorithms` first).
//   hs256  JWT_SECRET; JWT_SECRET_PREVIOUS only after the current secret's signature check failed, so a
//          token signed with the current secret costs one HMAC. No network, no state.
//   eddsa  the web tier's public key whose `kid` the token names, from JWT_JWKS_URL (remote-key-set.ts).
import { errors, jwtVerify, type JWTVerifyOptions, type JWTVerifyResult } from 'jose';
import type { JwtSettings } from '../config.ts';
import { createRemoteKeySet } from './remote-key-set.ts';
import { ALGORITHM_OF_MODE } from '@taskgate/shared/token-contract';

/** jose's jwtVerify with the configured key(s): the verified payload, or jose's error. */
export type SignedTokenVerifier = (token: string, options: Omit<JWTVerifyOptions, 'algorithms'>) => Promise<JWTVerifyResult>;

export function createSignedTokenVerifier(settings: JwtSettings): SignedTokenVerifier {
  if (settings.mode === 'eddsa') {
    const algorithms = [ALGORITHM_OF_MODE.eddsa];
    const keySet = createRemoteKeySet(settings.jwks);
    return (token, options) => jwtVerify(token, keySet, { ...options, algorithms });
  }

  const algorithms = [ALGORITHM_OF_MODE.hs256];
  const current = importHmacKey(settings.secret);
  const previous = settings.previousSecret && importHmacKey(settings.previousSecret);
  return async (token, options) => {
    try {
      return await jwtVerify(token, await current, { ...options, algorithms });
    } catch (error) {
      if (previous === undefined || !(error instanceof errors.JWSSignatureVerificationFailed)) throw error;
      return jwtVerify(token, await previous, { ...options, algorithms });
    }
  };
}

/** Imported once: jose would import raw secret bytes again on every call (about half the cost here). */
function importHmacKey(secret: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
}
