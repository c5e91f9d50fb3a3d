// Task changes, from the mutation that committed them to the `taskEvents` streams of the task's owner.
// graphql-yoga's createPubSub, one topic per owner (`<prefix>task-events:<ownerId>`), so a write
// reaches only that owner's subscribers and costs in proportion to them. With REDIS_URL the topics
// are Redis channels (graphql-yoga's Redis event target) and every API process's subscribers get the
// event; without it, the topics live in this process.
//
// An event carries the task's committed columns (JSON over Redis, so dates travel as ISO strings).
// Subscribers drop any event that is not their own, whatever topic it came on, and every `task` in
// an event still passes the Task type's `isCaller` scope when it is resolved (schema/task-events.ts).
import { createPubSub, filter, map, pipe } from 'graphql-yoga';
import type { Logger } from '../observability/logger.ts';

export type TaskEventKind = 'CREATED' | 'UPDATED' | 'DELETED';

/** The task's own columns, as committed. */
export interface TaskRow {
  id: string;
  title: string;
  description: string | null;
  completed: boolean;
  createdAt: Date;
  updatedAt: Date;
  ownerId: string;
}

export interface TaskEvent {
  kind: TaskEventKind;
  ownerId: string;
  /** The task's database id (the schema turns it into a global id). */
  taskId: string;
  /** The task after the change; null when it was deleted. */
  task: TaskRow | null;
}

export type TaskChange = { kind: 'CREATED' | 'UPDATED'; task: TaskRow } | { kind: 'DELETED'; ownerId: string; taskId: string };

export interface TaskEventBus {
  /**
   * Announces a change that has been COMMITTED: call it after the write's promise resolved, never
   * inside a transaction. Never throws; an event that cannot be sent is lost (subscribers refetch when
   * they reconnect), it does not fail the write that succeeded.
   */
  publish(change: TaskChange): void;
  /** The owner's task events, from this process and, with Redis, every other. Ends when returned. */
  subscribe(ownerId: string): AsyncIterable<TaskEvent>;
}

/** The wire form: JSON-safe, dates as ISO strings. */
interface WireTaskEvent {
  kind: TaskEventKind;
  ownerId: string;
  taskId: string;
  task: (Omit<TaskRow, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string }) | null;
}

type Topics = Record<string, [ownerId: string, event: WireTaskEvent]>;
type EventTarget = NonNullable<Parameters<typeof createPubSub<Topics>>[0]>['eventTarget'];

export const TASK_EVENTS_ROUTING_KEY = 'task-events';

/** The topic (and, with Redis, the channel) of one owner's events: `<prefix>task-events:<ownerId>`. */
export function taskEventTopic(prefix: string, ownerId: string): string {
  return `${prefix}${TASK_EVENTS_ROUTING_KEY}:${ownerId}`;
}

export interface TaskEventBusOptions {
  /** Where events travel: graphql-yoga's Redis event target, or (default) an EventTarget in this process. */
  eventTarget?: EventTarget;
  /** Starts every topic (REDIS_KEY_PREFIX), so deployments and test runs sharing a Redis stay apart. */
  topicPrefix?: string;
  logger?: Logger;
}

export function createTaskEventBus(options: TaskEventBusOptions = {}): TaskEventBus {
  const pubsub = createPubSub<Topics>(options.eventTarget ? { eventTarget: options.eventTarget } : {});
  const routingKey = `${options.topicPrefix ?? ''}${TASK_EVENTS_ROUTING_KEY}`;
  return {
    publish(change) {
      const event = toWire(change);
      try {
        pubsub.publish(routingKey, event.ownerId, event);
      } catch (error) {
        options.logger?.warn({ err: error }, 'task events: could not publish an event');
      }
    },
    subscribe(ownerId) {
      return pipe(
        pubsub.subscribe(routingKey, ownerId),
        // Only the owner's own events, even if one ever arrived on the wrong topic.
        filter((event: WireTaskEvent) => {
          if (event.ownerId === ownerId && (event.task === null || event.task.ownerId === ownerId)) return true;
          options.logger?.error({ topicOwner: ownerId }, 'task events: dropped an event of another owner that arrived on this owner\'s topic');
          return false;
        }),
        map(fromWire),
      );
    },
  };
}

function toWire(change: TaskChange): WireTaskEvent {
  if (change.kind === 'DELETED') return { kind: 'DELETED', ownerId: change.ownerId, taskId: change.taskId, task: null };
  // Only the columns: the row a mutation returns may carry relations its query selected.
  const { id, title, description, completed, createdAt, updatedAt, ownerId } = change.task;
  return {
    kind: change.kind,
    ownerId,
    taskId: id,
    task: { id, title, description, completed, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString(), ownerId },
  };
}

function fromWire(event: WireTaskEvent): TaskEvent {
  const task = event.task && { ...event.task, createdAt: new Date(event.task.createdAt), updatedAt: new Date(event.task.updatedAt) };
  return { kind: event.kind, ownerId: event.ownerId, taskId: event.taskId, task };
}
