// Task.owner. The Task scope lets only the caller's own tasks reach a response, so nearly always the
// owner is the caller: one user row per request, shared by every task of the response, instead of
// Prisma's relation loading (and mapping) it per task. The tasks page's read brings it along.
import type { User as UserRow } from '@taskgate/prisma/client';
import type { GraphQLContext } from '../auth/context.ts';
import { builder } from './builder.ts';
import { Task } from './task.ts';
import { User } from './user.ts';

// A plain field, not a Prisma relation (the User's own `isCaller` scope still checks what it returns).
builder.objectField(Task, 'owner', (t) => t.field({ type: User, resolve: (task, _args, context) => ownerOf(task, context) }));

const usersByRequest = new WeakMap<GraphQLContext, Map<string, Promise<UserRow | null>>>();

function ownerOf(task: { ownerId: string; owner?: UserRow }, context: GraphQLContext): UserRow | Promise<UserRow> {
  if (task.owner) return task.owner;
  let users = usersByRequest.get(context);
  if (!users) {
    users = new Map();
    usersByRequest.set(context, users);
  }
  let user = users.get(task.ownerId);
  if (!user) {
    user = context.prisma.user.findUnique({ where: { id: task.ownerId } });
    users.set(task.ownerId, user);
  }
  // The foreign key makes a task without its owner impossible.
  return user.then((found) => found ?? Promise.reject(new Error(`task owner ${task.ownerId} not found`)));
}
