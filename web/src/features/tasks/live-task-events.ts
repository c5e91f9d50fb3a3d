// Keeps the cached task lists in step with the API's taskEvents stream, so a change made in another
// tab or device shows without a reload. The SSE link reopens the stream whenever it ends; events sent
// while none was open are not replayed, so each reopening refetches the list on screen.
import type { ApolloClient } from '@apollo/client';
import type { Subscription } from 'rxjs';
import { TaskEventsSubscription, TaskListQuery } from './operations';
import { applyTaskEvent } from './task-cache';

export interface LiveTaskEvents {
  /** Opens the stream (again after stop(): the list is then refetched once the stream is open). */
  start(): void;
  /** Closes the stream; nothing is reopened until start(). */
  stop(): void;
}

export function createLiveTaskEvents(client: ApolloClient): LiveTaskEvents {
  let subscription: Subscription | undefined;
  let startedBefore = false;

  const refetchShownLists = () => void client.refetchQueries({ include: [TaskListQuery] }).catch(() => undefined);

  return {
    start() {
      if (subscription) return;
      const restarted = startedBefore;
      startedBefore = true;
      subscription = client
        .subscribe({
          query: TaskEventsSubscription,
          // applyTaskEvent writes the cache itself, list by list; the raw event needs no cache entry.
          fetchPolicy: 'no-cache',
          context: {
            onStreamOpen: (reopened) => {
              if (reopened || restarted) refetchShownLists();
            },
          },
        })
        .subscribe(({ data }) => {
          if (data) applyTaskEvent(client.cache, data.taskEvents);
        });
    },
    stop() {
      subscription?.unsubscribe();
      subscription = undefined;
    },
  };
}
