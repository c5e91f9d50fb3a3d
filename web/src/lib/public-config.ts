// Settings the web server publishes at GET /api/config, read at start-up rather than baked into the
// build, so one build runs against any API address.

export interface PublicConfig {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql (another origin than the SPA's). */
  apiUrl: string;
}

export async function fetchPublicConfig(signal?: AbortSignal): Promise<PublicConfig> {
  const response = await fetch('/api/config', { headers: { accept: 'application/json' }, signal });
  if (!response.ok) throw new Error(`GET /api/config answered ${response.status}`);
  const body: unknown = await response.json();
  const apiUrl = typeof body === 'object' && body !== null && 'apiUrl' in body ? body.apiUrl : undefined;
  if (typeof apiUrl !== 'string' || !/^https?:\/\//.test(apiUrl)) throw new Error('GET /api/config gave no valid apiUrl');
  return { apiUrl };
}
