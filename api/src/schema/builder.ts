// The SchemaBuilder: plugins, auth scopes, scalars and how an authorization failure is reported.
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type PrismaTypes from '@taskgate/prisma/pothos-types';
import { getDatamodel } from '@taskgate/prisma/pothos-types';
import { isObjectType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { callerId, type GraphQLContext } from '../auth/context.ts';
import { badUserInput, forbidden, unauthenticated } from '../errors.ts';

export interface SchemaTypes {
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    /** A verified access token came with the request. */
    loggedIn: boolean;
    /** The given user id is the caller's own. */
    isCaller: string;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
}

export const builder = new SchemaBuilder<SchemaTypes>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => ({
      loggedIn: context.identity !== null,
      isCaller: (userId) => context.identity !== null && context.identity.userId === userId,
    }),
    // Subscription fields are checked before `subscribe` runs, not only as each event resolves.
    authorizeOnSubscribe: true,
    // The plugin's default is a plain Error, which Yoga would mask as INTERNAL_SERVER_ERROR.
    unauthorizedError: (_parent, context) => (context.identity ? forbidden() : unauthenticated()),
  },
  prisma: {
    // The client is per request (context), so the plugin never holds one of its own.
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // `nodes(ids:)` would let one request probe many ids at once; the spec has only `node(id:)`.
    nodesQueryOptions: false,
    nodeQueryOptions: {
      // Same rules as user(id:): another user's id is FORBIDDEN before any lookup (no existence
      // oracle). Tasks are looked up with the caller as owner (see Task's findUnique), so a foreign
      // task resolves to null exactly like a missing one.
      resolve: (_root, { id }, context, info, resolveNode) => {
        // A well-formed global id of a type that is no Node ("Nope:…") is the client's mistake, like a
        // malformed one; Pothos would answer it with its own schema error, which carries no code.
        const type = info.schema.getType(id.typename);
        if (!isObjectType(type) || !type.getInterfaces().some((node) => node.name === 'Node')) throw badUserInput('id', 'not the ID of a Task or a User');
        if (id.typename === 'User' && id.id !== callerId(context)) throw forbidden();
        return resolveNode(id);
      },
    },
  },
});

builder.addScalarType('DateTime', DateTimeResolver);

// Every root field needs a verified caller; the schema test fails when a field opts out.
builder.queryType({ authScopes: { loggedIn: true } });
builder.mutationType({ authScopes: { loggedIn: true } });
builder.subscriptionType({ authScopes: { loggedIn: true } });

const ownerScopesByRequest = new WeakMap<GraphQLContext, Map<string, { isCaller: string }>>();

/**
 * `{ isCaller: userId }`, the same object for every row of one owner within a request: scope-auth
 * caches a scope map's outcome by its identity, so a page of that owner's rows checks it once, not
 * once per row (each row is still checked: the map is the row's own owner's).
 */
export function ownerScope(context: GraphQLContext, userId: string): { isCaller: string } {
  let scopes = ownerScopesByRequest.get(context);
  if (!scopes) {
    scopes = new Map();
    ownerScopesByRequest.set(context, scopes);
  }
  let scope = scopes.get(userId);
  if (!scope) {
    scope = { isCaller: userId };
    scopes.set(userId, scope);
  }
  return scope;
}
