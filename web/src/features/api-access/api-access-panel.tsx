// "API access": when the current access token expires, a copy of it, GraphiQL as yourself where the
// API serves it, and a ready curl command.
import { useEffect, useId, useState, useSyncExternalStore } from 'react';
import { TextAreaField } from '../../ui/field';
import { formatRelative, formatTimeOfDay } from '../../ui/time';
import { useNow } from '../../ui/use-now';
import { useSignedInSession } from '../auth/session';
import { curlCommand } from './curl-command';
import { CurlSection } from './curl-section';
import { graphiqlUrl } from './graphiql';
import { GraphiqlSection } from './graphiql-section';
import { useGraphiqlAvailability } from './use-graphiql-availability';

export function ApiAccessPanel() {
  const { apiUrl, accessTokens } = useSignedInSession();
  const token = useSyncExternalStore(accessTokens.subscribe, accessTokens.current);
  const now = useNow(1000);
  const headingId = useId();
  const { availability, checkAgain } = useGraphiqlAvailability(apiUrl);
  const [status, setStatus] = useState('');
  const [copyFallback, setCopyFallback] = useState<string | null>(null);

  // The task list usually fetched one already; if not, show this panel's expiry without waiting.
  useEffect(() => {
    if (!accessTokens.current()) accessTokens.get().catch(() => undefined);
  }, [accessTokens]);

  async function copy(text: string): Promise<boolean> {
    try {
      await navigator.clipboard.writeText(text);
      setCopyFallback(null);
      return true;
    } catch {
      // No clipboard access (permission, insecure origin): show the text to copy by hand.
      setCopyFallback(text);
      return false;
    }
  }

  /** Copies `textWith(token)` with a token that is not about to expire, and says until when it works. */
  async function copyWithFreshToken(what: 'token' | 'command', textWith: (token: string) => string) {
    try {
      const fresh = await accessTokens.get();
      const copied = await copy(textWith(fresh));
      const expires = accessTokens.current()?.expiresAt;
      const expiry = expires ? ` ${what === 'token' ? 'It' : 'Its token'} expires at ${formatTimeOfDay(expires)}.` : '';
      setStatus(
        copied
          ? `${what === 'token' ? 'Token' : 'Command'} copied to the clipboard.${expiry}`
          : `Your browser did not allow copying. The ${what} is shown below: select it and copy it.`,
      );
    } catch {
      setStatus('Could not get a token right now. Please try again.');
    }
  }

  async function openGraphiql() {
    // Open synchronously while the click still counts as a user gesture (popup blockers), with the
    // token in memory when there is one; otherwise fetch one first.
    const inMemory = accessTokens.current();
    let token: string;
    try {
      token = inMemory && inMemory.expiresAt > Date.now() ? inMemory.token : await accessTokens.get();
    } catch {
      setStatus('Could not get a token right now. Please try again.');
      return;
    }
    window.open(graphiqlUrl(apiUrl, token), '_blank', 'noopener,noreferrer');
    setStatus('GraphiQL opened in a new tab, signed in as you: its Headers editor holds your access token.');
  }

  return (
    <aside className="card api-access" aria-labelledby={headingId}>
      <h2 id={headingId}>API access</h2>
      <p className="muted">
        Tools can call the Taskgate API as you with your access token. It is short-lived and kept only in this tab’s memory.
      </p>
      <dl className="facts">
        <div>
          <dt>Endpoint</dt>
          <dd>
            <code>{apiUrl}</code>
          </dd>
        </div>
        <div>
          <dt>Token expires</dt>
          <dd className="token-expiry">
            {token ? (
              <>
                {token.expiresAt > now ? formatRelative(token.expiresAt, now) : 'now (a new one is fetched when needed)'}{' '}
                <span className="muted">
                  (at <time dateTime={new Date(token.expiresAt).toISOString()}>{formatTimeOfDay(token.expiresAt)}</time>)
                </span>
              </>
            ) : (
              <span className="muted">Fetching a token…</span>
            )}
          </dd>
        </div>
      </dl>
      <button type="button" className="button button-secondary" onClick={() => void copyWithFreshToken('token', (fresh) => fresh)}>
        Copy token
      </button>
      <GraphiqlSection availability={availability} checkAgain={checkAgain} onOpen={() => void openGraphiql()} />
      <CurlSection
        apiUrl={apiUrl}
        token={token?.token ?? null}
        onCopy={() => void copyWithFreshToken('command', (fresh) => curlCommand(apiUrl, fresh))}
      />
      <p role="status" className="api-access-status">
        {status}
      </p>
      {copyFallback && <TextAreaField label="Text to copy" readOnly rows={4} value={copyFallback} onFocus={(event) => event.target.select()} />}
    </aside>
  );
}
