// User: the caller's own profile. Readable only by that user (type-level `isCaller` scope), so a
// User reached through any path — me, user(id:), node(id:), Task.owner — is checked.
import { callerId } from '../auth/context.ts';
import { forbidden, unauthenticated } from '../errors.ts';
import { builder } from './builder.ts';
import { TaskConnection, taskConnection } from './task.ts';

export const User = builder.prismaNode('User', {
  id: { field: 'id' },
  authScopes: (user) => ({ isCaller: user.id }),
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

builder.queryFields((t) => ({
  me: t.prismaField({
    type: User,
    resolve: async (query, _root, _args, context) => {
      const user = await context.prisma.user.findUnique({ ...query, where: { id: callerId(context) } });
      // A valid token whose user no longer exists: the token is useless, say so with a 401.
      if (!user) throw unauthenticated('The user of this access token no longer exists');
      return user;
    },
  }),
  user: t.prismaField({
    type: User,
    nullable: true,
    args: { id: t.arg.globalID({ required: true, for: User }) },
    resolve: async (query, _root, { id }, context) => {
      // Decided on the id alone, before any lookup, so the answer says nothing about other users.
      if (id.id !== callerId(context)) throw forbidden();
      const user = await context.prisma.user.findUnique({ ...query, where: { id: id.id } });
      if (!user) throw unauthenticated('The user of this access token no longer exists');
      return user;
    },
  }),
}));

