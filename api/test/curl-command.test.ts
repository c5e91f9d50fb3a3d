// The curl command the web app's "API access" panel copies (web/src/features/api-access/curl-command.ts),
// run by a real shell and a real curl against this API on a loopback port.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURL_QUERY, curlCommand, elideToken, shellQuote } from '../../web/src/features/api-access/curl-command.ts';
import { CSRF_HEADER } from '../src/csrf-prevention.ts';
import { createHarness, type TestUser } from './support/api-harness.ts';
import { listen, type ListeningApi } from './load/listening-api.ts';

const execFileAsync = promisify(execFile);
/** As a person pasting it into a POSIX shell would run it. */
const runInShell = (command: string) => execFileAsync('/bin/sh', ['-c', command]);

const harness = createHarness();
let server: ListeningApi;
let alice: TestUser;

beforeAll(async () => {
  await execFileAsync('curl', ['--version']).catch(() => {
    throw new Error('These tests run curl: install it (Debian: apt-get install -y curl)');
  });
  server = await listen(harness.api);
  alice = await harness.createUser('alice');
});
afterAll(async () => {
  await server?.close();
  await harness.close();
});

describe('the copied command', () => {
  it('returns the caller\'s own me, run exactly as copied', async () => {
    const { stdout } = await runInShell(curlCommand(server.endpoint, alice.token));
    const body = JSON.parse(stdout) as { data: { me: { id: string; email: string } } };
    expect(body.data.me.email).toBe(alice.email);
    expect(Buffer.from(body.data.me.id, 'base64').toString()).toBe(`User:${alice.id}`);
  });

  it('still works when turned into a GET: it carries the CSRF header the API then requires', async () => {
    const command = curlCommand(server.endpoint, alice.token);
    const jsonContentType = ` -H ${shellQuote('Content-Type: application/json')}`;
    const jsonBody = ` --data ${shellQuote(JSON.stringify({ query: CURL_QUERY }))}`;
    const csrfHeader = ` -H ${shellQuote(`${CSRF_HEADER}: curl`)}`;
    for (const part of [jsonContentType, jsonBody, csrfHeader]) expect(command).toContain(part);
    const asGet = command.replace(jsonContentType, '').replace(jsonBody, ` -G --data-urlencode ${shellQuote(`query=${CURL_QUERY}`)}`);

    const { stdout } = await runInShell(asGet);
    expect(JSON.parse(stdout)).toMatchObject({ data: { me: { email: alice.email } } });
    // Control: the same GET without that header is refused, so the header is what let it through.
    const { stdout: refused } = await runInShell(asGet.replace(csrfHeader, ''));
    expect(JSON.parse(refused)).toMatchObject({ errors: [{ extensions: { code: 'CSRF_HEADER_REQUIRED' } }] });
  });
});

describe('shell quoting', () => {
  it('passes any word through the shell unchanged', async () => {
    for (const word of [`it's`, `'`, `$HOME \`id\` $(id) "quoted" \\ back`, 'line\nbreak', '']) {
      const { stdout } = await runInShell(`printf %s ${shellQuote(word)}`);
      expect(stdout).toBe(word);
    }
  });
});

describe('on screen', () => {
  it('shows only the first characters of a token', () => {
    const shown = curlCommand(server.endpoint, elideToken(alice.token));
    expect(shown).not.toContain(alice.token);
    expect(shown).toContain(`Bearer ${alice.token.slice(0, 10)}…'`);
  });
});
