// The `taskEvents` subscription: the caller's own task changes, as they are committed, over
// Server-Sent Events. Each event's `task` is a Task like any other, so the type's `isCaller` scope
// checks it on the way out; the stream itself is held to its token by live/subscription-streams.ts.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { callerId } from '../auth/context.ts';
import type { TaskEvent as TaskEventPayload } from '../live/task-event-bus.ts';
import { builder } from './builder.ts';
import { Task } from './task.ts';

const TaskEventKind = builder.enumType('TaskEventKind', {
  values: ['CREATED', 'UPDATED', 'DELETED'] as const,
});

const TaskEvent = builder.objectRef<TaskEventPayload>('TaskEvent').implement({
  description: 'A change to one of the caller\'s tasks.',
  fields: (t) => ({
    kind: t.field({ type: TaskEventKind, resolve: (event) => event.kind }),
    taskId: t.field({ type: 'ID', description: 'The task\'s global id.', resolve: (event) => encodeGlobalID('Task', event.taskId) }),
    task: t.field({
      type: Task,
      nullable: true,
      description: 'The task after the change; null for DELETED.',
      resolve: (event) => event.task,
    }),
  }),
});

builder.subscriptionField('taskEvents', (t) =>
  t.field({
    type: TaskEvent,
    description: 'The caller\'s own task changes, as they are committed.',
    subscribe: (_root, _args, context) => context.taskEvents.subscribe(callerId(context)),
    resolve: (event: TaskEventPayload) => event,
  }),
);
