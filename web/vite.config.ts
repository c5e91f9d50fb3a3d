// The SPA's dev server and build. In development Vite serves the SPA on WEB_PORT and forwards /api
// (Better Auth and the public config) to the web server on WEB_SERVER_PORT, so the browser sees one
// origin and Better Auth's cookies and Origin checks work as in production.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv } from 'vite';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig(({ mode }) => {
  // The repository's .env (if any) fills in what the environment does not set; the SPA reads no
  // VITE_* variables: everything it needs comes from GET /api/config at run time.
  const env = { ...loadEnv(mode, repoRoot, ''), ...process.env };
  const webPort = port(env.WEB_PORT, 3000, 'WEB_PORT');
  const webServerPort = port(env.WEB_SERVER_PORT, 3001, 'WEB_SERVER_PORT');
  const proxy = {
    '/api': {
      target: `http://127.0.0.1:${webServerPort}`,
      // Keep the Host header the browser sent: Better Auth builds URLs and checks origins from it.
      changeOrigin: false,
    },
  };

  return {
    plugins: [react()],
    server: { port: webPort, strictPort: true, proxy },
    preview: { port: webPort, strictPort: true, proxy },
    build: { outDir: 'dist/spa', emptyOutDir: true, sourcemap: true },
  };
});

function port(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name}: must be a port number from 1 to 65535, got "${raw}"`);
  }
  return value;
}
