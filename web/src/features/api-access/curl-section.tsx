// The panel's "From a terminal" part: a ready curl command, shown with the token cut short; the copy
// carries a fresh token in full.
import { Fragment, useId } from 'react';
import { curlCommandParts, elideToken } from './curl-command';

interface CurlSectionProps {
  apiUrl: string;
  /** The token in memory, only to show its first characters; null before the first one arrives. */
  token: string | null;
  onCopy: () => void;
}

export function CurlSection({ apiUrl, token, onCopy }: CurlSectionProps) {
  const headingId = useId();
  return (
    <section className="api-access-section" aria-labelledby={headingId}>
      <h3 id={headingId}>From a terminal</h3>
      <pre className="command">
        <code>
          {curlCommandParts(apiUrl, token ? elideToken(token) : '<access token>').map((part, index) => (
            <Fragment key={index}>
              {index > 0 && ' '}
              <span className="command-part">{part}</span>
            </Fragment>
          ))}
        </code>
      </pre>
      <button type="button" className="button button-secondary" onClick={onCopy}>
        Copy curl command
      </button>
      <p className="api-access-hint muted">
        The copy holds your whole token and asks for your own <code>me</code>; it works until the token expires.
      </p>
    </section>
  );
}
