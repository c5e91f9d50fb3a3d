// Security headers on every response, through Hono's secureHeaders. The Content-Security-Policy fits
// a Vite-built SPA: scripts and styles from our origin only, and fetches to our origin plus the API.
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { WebConfig } from './config.ts';

export function securityHeaders(config: Pick<WebConfig, 'publicUrl' | 'apiUrl'>): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'", new URL(config.apiUrl).origin],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    // HSTS over plain http is ignored by browsers and would only confuse; send it when served over https.
    strictTransportSecurity: new URL(config.publicUrl).protocol === 'https:' ? 'max-age=31536000; includeSubDomains' : false,
  });
}
