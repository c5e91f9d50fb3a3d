// The HTTP surface around Better Auth: public config, security headers, unknown API paths, body limit,
// and the production SPA with its fallback to index.html.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebHarness } from './harness.ts';

const staticDir = mkdtempSync(join(tmpdir(), 'taskgate-spa-'));
mkdirSync(join(staticDir, 'assets'));
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Taskgate</title><div id="root"></div>');
writeFileSync(join(staticDir, 'assets', 'index-abc123.js'), 'console.log("app")');

const web = createWebHarness({ API_URL: 'https://api.tasks.test/graphql' }, { staticDir });
afterAll(async () => {
  await web.close();
  rmSync(staticDir, { recursive: true, force: true });
});

describe('GET /api/config', () => {
  it('tells the SPA where the API is, uncached', async () => {
    const response = await web.request('/api/config');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ apiUrl: 'https://api.tasks.test/graphql' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('security headers', () => {
  it('sends a CSP allowing only our origin and the API, and refuses framing', async () => {
    const response = await web.request('/');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' https://api.tasks.test");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('puts them on Better Auth responses too', async () => {
    const response = await web.request('/api/auth/token');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends HSTS only when the public URL is https', async () => {
    expect((await web.request('/')).headers.get('strict-transport-security')).toBeNull();
    const https = createWebHarness({ BETTER_AUTH_URL: 'https://tasks.test' });
    try {
      expect((await https.request('/api/config')).headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    } finally {
      await https.close();
    }
  });
});

describe('API paths', () => {
  it('answers an unknown /api path with a JSON 404, not the SPA', async () => {
    const response = await web.request('/api/nothing-here');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not found' });
  });

  it('refuses an oversized auth request body before Better Auth parses it', async () => {
    const response = await web.request('/api/auth/sign-in/email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: web.config.publicUrl },
      body: JSON.stringify({ email: 'a@taskgate.test', password: 'x'.repeat(100_000) }),
    });
    expect(response.status).toBe(413);
  });
});

describe('SPA in production', () => {
  it('serves index.html at / without long-term caching', async () => {
    const response = await web.request('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain('<div id="root">');
  });

  it('falls back to index.html for client-side routes', async () => {
    const response = await web.request('/tasks/some-task?filter=active');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="root">');
  });

  it('serves fingerprinted assets as immutable', async () => {
    const response = await web.request('/assets/index-abc123.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('answers a missing asset with 404 rather than index.html', async () => {
    expect((await web.request('/assets/index-old999.js')).status).toBe(404);
  });

  it('does not serve files outside the build directory', async () => {
    expect(await (await web.request('/..%2fpackage.json')).text()).not.toContain('"name"');
    expect(await (await web.request('/../package.json')).text()).not.toContain('"name"');
  });
});
