// "API access": when the current access token expires, a copy of it, and GraphiQL as yourself.
import { useEffect, useId, useState, useSyncExternalStore } from 'react';
import { TextAreaField } from '../../ui/field';
import { formatRelative, formatTimeOfDay } from '../../ui/time';
import { useNow } from '../../ui/use-now';
import { useSignedInSession } from '../auth/session';
import { graphiqlUrl } from './graphiql';

export function ApiAccessPanel() {
  const { apiUrl, accessTokens } = useSignedInSession();
  const token = useSyncExternalStore(accessTokens.subscribe, accessTokens.current);
  const now = useNow(1000);
  const headingId = useId();
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

  async function copyToken() {
    try {
      const fresh = await accessTokens.get();
      const copied = await copy(fresh);
      const expires = accessTokens.current()?.expiresAt;
      setStatus(
        copied
          ? `Token copied to the clipboard${expires ? `. It expires at ${formatTimeOfDay(expires)}` : ''}.`
          : 'Your browser did not allow copying. The token is shown below: select it and copy it.',
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
      <div className="api-access-actions">
        <button type="button" className="button button-secondary" onClick={() => void copyToken()}>
          Copy token
        </button>
        <button type="button" className="button button-secondary" onClick={() => void openGraphiql()}>
          Open GraphiQL
        </button>
      </div>
      <p className="api-access-hint muted">
        GraphiQL opens on the API’s own site with your <code>Authorization</code> header filled in. The token
        travels in the address’s fragment, which is never sent to any server, and the page removes it at once.
      </p>
      <p role="status" className="api-access-status">
        {status}
      </p>
      {copyFallback && <TextAreaField label="Text to copy" readOnly rows={4} value={copyFallback} onFocus={(event) => event.target.select()} />}
    </aside>
  );
}
