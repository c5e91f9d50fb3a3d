// User: the caller's own profile. Readable only by that user (type-level `isCaller` scope), so a
// User reached through any path — me, user(id:), node(id:), Task.owner — is checked.
import type { Prisma } from '@taskgate/prisma/client';
import { compiledPerShape, type Placeholders, type Shape } from '@taskgate/prisma/connect';
import { callerId, type GraphQLContext } from '../auth/context.ts';
import { forbidden, unauthenticated } from '../errors.ts';
import { builder, ownerScope } from './builder.ts';
import { isColumnsOnlyPlan } from './query-plan.ts';
import { TaskConnection, taskConnection } from './task.ts';

export const User = builder.prismaNode('User', {
  id: { field: 'id' },
  authScopes: (user, context) => ownerScope(context, user.id),
  fields: (t) => ({
    email: t.exposeString('email'),
    name: t.exposeString('name', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    // Forward pagination only, as the contract says; same page rules as Query.tasks.
    tasks: t.field({
      type: TaskConnection,
      args: {
        first: t.arg.int(),
        after: t.arg.string(),
        ...taskConnection.getArgs(),
      },
      select: (args, context, nestedSelection) => ({
        tasks: taskConnection.getQuery(args, context, nestedSelection),
      }),
      resolve: (user, args, context) => taskConnection.resolve(user.tasks, args, context),
    }),
  }),
});

/**
 * The caller's own user row, as `query` (the field's Prisma plan) asks for it: its columns through the
 * query builder (a hot read: every client asks `me` first), anything reaching into tasks through Prisma.
 */
async function readCaller(query: Omit<Prisma.UserFindUniqueArgs, 'where'>, context: GraphQLContext) {
  const id = callerId(context);
  const user = isColumnsOnlyPlan(query)
    ? (await context.readAsCaller((db) => userStatement(db, {}, { id })))[0]
    : await context.prisma.user.findUnique({ ...query, where: { id } });
  // A valid token whose user no longer exists: the token is useless, say so with a 401.
  if (!user) throw unauthenticated('The user of this access token no longer exists');
  return user;
}

/** The user's columns by id, compiled once (compiled-per-shape.ts). */
const userStatement = compiledPerShape((db, _shape: Shape, value: Placeholders<{ id: string }>) => db.selectFrom('user').selectAll().where('id', '=', value('id')));

builder.queryFields((t) => ({
  me: t.prismaField({
    type: User,
    resolve: (query, _root, _args, context) => readCaller(query, context),
  }),
  user: t.prismaField({
    type: User,
    nullable: true,
    args: { id: t.arg.globalID({ required: true, for: User }) },
    resolve: async (query, _root, { id }, context) => {
      // Decided on the id alone, before any lookup, so the answer says nothing about other users.
      if (id.id !== callerId(context)) throw forbidden();
      return readCaller(query, context);
    },
  }),
}));

