// Signed-in browsers keeping their session alive through the load balancer, as the SPA does: each
// asks the web tier for a fresh access token and uses it on the API, over and over. Each browser
// comes from its own loopback address, as separate people would (rate limits are per client IP).
import { randomBytes } from 'node:crypto';
import { HttpClient, type HttpResponse } from './http-client.ts';

export const PASSWORD = 'correct horse battery staple';

export interface Person {
  email: string;
  client: HttpClient;
}

export async function signUp(origin: string, localAddress: string, label: string): Promise<Person> {
  const email = `${label}-${randomBytes(4).toString('hex')}@example.test`;
  const client = new HttpClient({ origin, localAddress });
  const response = await client.post('/api/auth/sign-up/email', { email, password: PASSWORD, name: label });
  if (response.status !== 200) throw new Error(`sign-up of ${email} answered ${response.status}: ${response.text}`);
  return { email, client };
}

export async function accessToken(person: Person): Promise<{ token: string; response: HttpResponse }> {
  const response = await person.client.get('/api/auth/token');
  return { token: response.status === 200 ? (response.json() as { token: string }).token : '', response };
}

export function me(person: Person, token: string): Promise<HttpResponse> {
  return person.client.post('/graphql', { query: '{ me { email } }' }, { authorization: `Bearer ${token}`, accept: 'application/graphql-response+json' });
}

export interface WebLoadReport {
  requests: number;
  /** Anything but 200 with the person's own email, with what was answered. */
  failures: string[];
  instances: Set<string>;
}

/** Until `signal` aborts: each person fetches a token, then asks the API who it is, every ~100 ms. */
export async function keepSessionsBusy(people: Person[], signal: AbortSignal): Promise<WebLoadReport> {
  const report: WebLoadReport = { requests: 0, failures: [], instances: new Set() };
  const check = (what: string, response: HttpResponse | Error, ok: (response: HttpResponse) => boolean) => {
    report.requests++;
    if (response instanceof Error) return void report.failures.push(`${what}: ${response.message}`);
    if (response.instance) report.instances.add(response.instance);
    if (!ok(response)) report.failures.push(`${what}: HTTP ${response.status} ${response.text.slice(0, 200)}`);
  };
  await Promise.all(
    people.map(async (person) => {
      while (!signal.aborted) {
        const fetched = await accessToken(person).catch((error: Error) => error);
        check('GET /api/auth/token', fetched instanceof Error ? fetched : fetched.response, (response) => response.status === 200);
        if (!(fetched instanceof Error) && fetched.token) {
          const answer = await me(person, fetched.token).catch((error: Error) => error);
          check('me', answer, (response) => response.status === 200 && response.json().data?.me?.email === person.email);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }),
  );
  return report;
}
