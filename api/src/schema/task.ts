// Task: its type, its connection, the root fields that read tasks and the mutations that change them.
// Two locks on ownership: every query filters by the caller as owner, and the type-level `isCaller`
// scope re-checks every Task that reaches a response, whatever path it came by.
import { prismaConnectionHelpers } from '@pothos/plugin-prisma';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { Prisma } from '@taskgate/prisma/client';
import { callerId } from '../auth/context.ts';
import { badUserInput, notFound, unauthenticated } from '../errors.ts';
import { builder, ownerScope } from './builder.ts';
import { assertPageSize } from './pagination.ts';
import { parseDescription, parseSearch, parseTitle } from './task-input.ts';
import { isColumnsOnlyPlan } from './query-plan.ts';
import { readTaskPage } from './task-page.ts';

export const Task = builder.prismaNode('Task', {
  id: { field: 'id' },
  // node(id:) looks a task up with the caller as owner: someone else's task is simply not found,
  // and `nullable` makes "not found" a null node instead of findUniqueOrThrow's error.
  findUnique: (id, context) => ({ id, ownerId: callerId(context) }),
  nullable: true,
  authScopes: (task, context) => ownerScope(context, task.ownerId),
  fields: (t) => ({
    title: t.exposeString('title'),
    description: t.exposeString('description', { nullable: true }),
    completed: t.exposeBoolean('completed'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    // owner: in task-owner.ts (it needs the User type, which needs this one).
  }),
});

export const TaskConnection = builder.connectionObject({ type: Task, name: 'TaskConnection' });

export const TaskFilter = builder.inputType('TaskFilter', {
  fields: (t) => ({
    completed: t.boolean(),
    search: t.string({ description: 'Case-insensitive text to find in the title or description.' }),
  }),
});

const CreateTaskInput = builder.inputType('CreateTaskInput', {
  fields: (t) => ({
    title: t.string({ required: true }),
    description: t.string(),
  }),
});

const UpdateTaskInput = builder.inputType('UpdateTaskInput', {
  fields: (t) => ({
    title: t.string(),
    description: t.string({ description: 'null or blank clears the description.' }),
    completed: t.boolean(),
  }),
});

type TaskFilterShape = typeof TaskFilter.$inferInput;

/** Newest first; the id breaks ties so pages are stable. Served by the (ownerId, createdAt, id) index. */
const NEWEST_FIRST: Prisma.TaskOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];

export function taskWhere(ownerId: string, filter: TaskFilterShape | null | undefined): Prisma.TaskWhereInput {
  const where: Prisma.TaskWhereInput = { ownerId };
  if (filter?.completed !== null && filter?.completed !== undefined) where.completed = filter.completed;
  const search = parseSearch('filter.search', filter?.search);
  if (search !== undefined) {
    // Prisma passes `contains` to ILIKE unescaped: "%" or "_" typed by a user would be wildcards.
    const pattern = search.replace(/[\\%_]/g, (character) => `\\${character}`);
    where.OR = [
      { title: { contains: pattern, mode: 'insensitive' } },
      { description: { contains: pattern, mode: 'insensitive' } },
    ];
  }
  return where;
}

/** The caller's tasks as a connection, for fields that are not root fields (User.tasks). */
export const taskConnection = prismaConnectionHelpers(builder, 'Task', {
  cursor: 'id',
  args: (t) => ({ filter: t.field({ type: TaskFilter }) }),
  query: (args, context) => {
    assertPageSize(args);
    // The helper's type allows one orderBy object; Prisma itself takes the array.
    return { where: taskWhere(callerId(context), args.filter), orderBy: NEWEST_FIRST as Prisma.TaskOrderByWithRelationInput };
  },
});

builder.queryFields((t) => ({
  task: t.prismaField({
    type: Task,
    nullable: true,
    args: { id: t.arg.globalID({ required: true, for: Task }) },
    // Missing and not-yours are the same answer: null.
    resolve: (query, _root, { id }, context) =>
      context.prisma.task.findUnique({ ...query, where: { id: id.id, ownerId: callerId(context) } }),
  }),
  tasks: t.prismaConnection(
    {
      type: Task,
      cursor: 'id',
      args: { filter: t.arg({ type: TaskFilter }) },
      resolve: (query, _root, args, context) => {
        assertPageSize(args);
        // The hot read: one SQL statement through the query builder (task-page.ts) for the plans it
        // knows; Prisma for any other selection (an owner's own task list, say).
        if (isColumnsOnlyPlan(query)) return readTaskPage(context, callerId(context), args.filter, query);
        return context.prisma.task.findMany({
          ...query,
          where: taskWhere(callerId(context), args.filter),
          orderBy: NEWEST_FIRST,
        });
      },
    },
    TaskConnection,
  ),
}));

builder.mutationFields((t) => ({
  createTask: t.prismaField({
    type: Task,
    args: { input: t.arg({ type: CreateTaskInput, required: true }) },
    resolve: async (query, _root, { input }, context) => {
      const data = {
        title: parseTitle('input.title', input.title),
        description: parseDescription('input.description', input.description),
        ownerId: callerId(context),
      };
      let task;
      try {
        task = await context.prisma.task.create({ ...query, data });
      } catch (error) {
        // The token is valid but its user was deleted: the foreign key refuses the row.
        if (isPrismaError(error, 'P2003')) throw unauthenticated('The user of this access token no longer exists');
        throw error;
      }
      // Only once the write has committed (the call resolved): a failed or rolled-back write announces nothing.
      context.taskEvents.publish({ kind: 'CREATED', task });
      return task;
    },
  }),
  updateTask: t.prismaField({
    type: Task,
    args: {
      id: t.arg.globalID({ required: true, for: Task }),
      input: t.arg({ type: UpdateTaskInput, required: true }),
    },
    resolve: async (query, _root, { id, input }, context) => {
      const data: Prisma.TaskUpdateInput = {};
      if (input.title !== undefined) {
        if (input.title === null) throw badUserInput('input.title', 'must not be null');
        data.title = parseTitle('input.title', input.title);
      }
      if (input.description !== undefined) data.description = parseDescription('input.description', input.description);
      if (input.completed !== undefined) {
        if (input.completed === null) throw badUserInput('input.completed', 'must not be null');
        data.completed = input.completed;
      }
      let task;
      try {
        // One statement: the owner is part of the WHERE, so another user's task is "not found".
        task = await context.prisma.task.update({ ...query, where: { id: id.id, ownerId: callerId(context) }, data });
      } catch (error) {
        if (isPrismaError(error, 'P2025')) throw notFound('Task');
        throw error;
      }
      context.taskEvents.publish({ kind: 'UPDATED', task });
      return task;
    },
  }),
  deleteTask: t.field({
    type: 'ID',
    args: { id: t.arg.globalID({ required: true, for: Task }) },
    resolve: async (_root, { id }, context) => {
      const { count } = await context.prisma.task.deleteMany({ where: { id: id.id, ownerId: callerId(context) } });
      if (count === 0) throw notFound('Task');
      context.taskEvents.publish({ kind: 'DELETED', ownerId: callerId(context), taskId: id.id });
      return encodeGlobalID('Task', id.id);
    },
  }),
}));

function isPrismaError(error: unknown, code: string): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === code;
}
