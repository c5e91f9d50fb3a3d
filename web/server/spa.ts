// The built SPA (web/dist) in production: files as they are, any other GET path gets index.html so
// client-side routes survive a reload. Vite fingerprints /assets/*, so those may be cached for good;
// everything else (index.html above all) must be revalidated or a deploy would not reach browsers.
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function createSpaRoutes(staticDir: string): Hono {
  const spa = new Hono();
  spa.use('*', async (c, next) => {
    await next();
    if (c.res.ok) c.res.headers.set('Cache-Control', c.req.path.startsWith('/assets/') ? IMMUTABLE : 'no-cache');
  });
  spa.use('*', serveStatic({ root: staticDir }));
  // A missing fingerprinted file is a stale page asking for an old build: answer 404, not index.html.
  spa.get('/assets/*', (c) => c.text('Not found', 404));
  spa.get('*', serveStatic({ root: staticDir, path: 'index.html' }));
  return spa;
}
