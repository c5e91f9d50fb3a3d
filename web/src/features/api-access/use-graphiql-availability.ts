// Whether "Open GraphiQL" would open GraphiQL: asked of the API when the panel appears, again when the
// tab comes back into view (an operator may have changed GRAPHIQL meanwhile), and on "Check again".
import { useCallback, useEffect, useState } from 'react';
import { fetchGraphiqlStatus } from './graphiql-status';

/** `unknown`: the API did not answer (down, unreachable, or an older API without the status route). */
export type GraphiqlAvailability = 'checking' | 'served' | 'off' | 'unknown';

export function useGraphiqlAvailability(apiUrl: string): { availability: GraphiqlAvailability; checkAgain: () => void } {
  const [availability, setAvailability] = useState<GraphiqlAvailability>('checking');
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    let latest = 0;
    const check = () => {
      // Only the newest check's answer counts: an older one may arrive last.
      const mine = ++latest;
      fetchGraphiqlStatus(apiUrl, abort.signal).then(
        (served) => {
          if (mine === latest) setAvailability(served ? 'served' : 'off');
        },
        () => {
          if (mine === latest && !abort.signal.aborted) setAvailability('unknown');
        },
      );
    };
    const checkWhenVisible = () => {
      if (document.visibilityState === 'visible') check();
    };
    check();
    document.addEventListener('visibilitychange', checkWhenVisible);
    return () => {
      abort.abort();
      document.removeEventListener('visibilitychange', checkWhenVisible);
    };
  }, [apiUrl, attempt]);

  const checkAgain = useCallback(() => {
    setAvailability('checking');
    setAttempt((n) => n + 1);
  }, []);

  return { availability, checkAgain };
}
