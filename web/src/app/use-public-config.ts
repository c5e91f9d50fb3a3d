import { useCallback, useEffect, useState } from 'react';
import { fetchPublicConfig, type PublicConfig } from '../lib/public-config';

export type PublicConfigState =
  | { status: 'loading' }
  | { status: 'ready'; config: PublicConfig }
  | { status: 'error'; retry: () => void };

export function usePublicConfig(): PublicConfigState {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<PublicConfigState>({ status: 'loading' });
  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  useEffect(() => {
    const abort = new AbortController();
    fetchPublicConfig(abort.signal).then(
      (config) => setState({ status: 'ready', config }),
      () => {
        if (!abort.signal.aborted) setState({ status: 'error', retry });
      },
    );
    return () => abort.abort();
  }, [attempt, retry]);

  return state;
}
