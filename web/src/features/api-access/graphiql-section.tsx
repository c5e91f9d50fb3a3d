// The panel's GraphiQL part: the button only when the API serves GraphiQL; otherwise why not, and how
// an operator turns it on.
import { useId } from 'react';
import type { GraphiqlAvailability } from './use-graphiql-availability';

interface GraphiqlSectionProps {
  availability: GraphiqlAvailability;
  checkAgain: () => void;
  onOpen: () => void;
}

export function GraphiqlSection({ availability, checkAgain, onOpen }: GraphiqlSectionProps) {
  const headingId = useId();
  return (
    <section className="api-access-section" aria-labelledby={headingId}>
      <h3 id={headingId}>GraphiQL</h3>
      {availability === 'served' && (
        <>
          <button type="button" className="button button-secondary" onClick={onOpen}>
            Open GraphiQL
          </button>
          <p className="api-access-hint muted">
            GraphiQL opens on the API’s own site with your <code>Authorization</code> header filled in. The token
            travels in the address’s fragment, which is never sent to any server, and the page removes it at once.
          </p>
        </>
      )}
      {availability === 'off' && (
        <p className="api-access-hint muted">
          GraphiQL is turned off on this API. An operator turns it on by starting the API with <code>GRAPHIQL=true</code>{' '}
          (it is off by default when <code>NODE_ENV=production</code>). Meanwhile, use the command below or any
          GraphQL client with your token.
        </p>
      )}
      {availability === 'unknown' && (
        <>
          <p className="api-access-hint muted">Could not reach the API to find out whether it serves GraphiQL.</p>
          <button type="button" className="button button-quiet" onClick={checkAgain}>
            Check again
          </button>
        </>
      )}
      {availability === 'checking' && <p className="api-access-hint muted">Checking whether the API serves GraphiQL…</p>}
    </section>
  );
}
