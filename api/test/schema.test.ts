// The schema as a contract: the committed SDL is current, and no root field can ship unguarded.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import {
  execute, getNamedType, subscribe, isInputObjectType, isNonNullType, isScalarType, parse,
  type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLObjectType, type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';
import { printSchemaSDL, SCHEMA_FILE } from '../src/schema/sdl.ts';

/** Query, Mutation and Subscription. */
const rootTypesOf = (checked: GraphQLSchema): GraphQLObjectType[] =>
  [checked.getQueryType(), checked.getMutationType(), checked.getSubscriptionType()].filter((type): type is GraphQLObjectType => !!type);
const rootTypes = rootTypesOf(schema);

/**
 * Root fields a caller without the loggedIn scope could reach: the root type does not require exactly
 * `{ loggedIn: true }` (an extra key would be an alternative: scope maps are "any" by default), or the
 * field opts out with skipTypeScopes.
 */
function unguardedRootFields(checked: GraphQLSchema): string[] {
  const unguarded: string[] = [];
  for (const type of rootTypesOf(checked)) {
    const typeScopes = (type.extensions as any)?.pothosOptions?.authScopes;
    const typeGuarded = JSON.stringify(typeScopes) === JSON.stringify({ loggedIn: true });
    for (const field of Object.values(type.getFields())) {
      const fieldOptions = (field.extensions as any)?.pothosOptions ?? {};
      if (!typeGuarded || fieldOptions.skipTypeScopes === true) unguarded.push(`${type.name}.${field.name}`);
    }
  }
  return unguarded.sort();
}

/** A schema built like ours but with the mistakes the contract test must catch. */
function schemaWithUnguardedFields(): GraphQLSchema {
  type Types = { Context: { identity: null }; AuthScopes: { loggedIn: boolean; public: boolean } };
  const builder = new SchemaBuilder<Types>({
    plugins: [ScopeAuthPlugin],
    scopeAuth: { authScopes: (context) => ({ loggedIn: context.identity !== null, public: true }) },
    // No Prisma plugin here; its global typing (loaded by our schema) would still demand its options.
  } as ConstructorParameters<typeof SchemaBuilder<Types>>[0]);
  builder.queryType({ authScopes: { loggedIn: true } });
  builder.queryField('guarded', (t) => t.string({ resolve: () => 'fine' }));
  builder.queryField('leak', (t) => t.string({ skipTypeScopes: true, resolve: () => 'secret' }));
  builder.mutationType({ authScopes: { loggedIn: true, public: true } });
  builder.mutationField('open', (t) => t.string({ resolve: () => 'written' }));
  return builder.toSchema();
}

describe('schema contract', () => {
  it('api/schema.graphql is up to date (run `pnpm --filter @taskgate/api print-schema`)', () => {
    expect(readFileSync(fileURLToPath(SCHEMA_FILE), 'utf8')).toBe(printSchemaSDL());
  });

  it('has no nodes(ids:) field, and Query/Mutation/Subscription have exactly the contract\'s fields', () => {
    expect(Object.keys(schema.getQueryType()!.getFields()).sort()).toEqual(['me', 'node', 'task', 'tasks', 'user']);
    expect(Object.keys(schema.getMutationType()!.getFields()).sort()).toEqual(['createTask', 'deleteTask', 'updateTask']);
    expect(Object.keys(schema.getSubscriptionType()!.getFields()).sort()).toEqual(['taskEvents']);
  });

  it('every root type requires the loggedIn scope and no root field opts out of it', () => {
    expect(rootTypes.map((type) => type.name)).toEqual(['Query', 'Mutation', 'Subscription']);
    expect(unguardedRootFields(schema)).toEqual([]);
  });

  it('the check above catches a root field that skips the type scopes, and a root type that lets anyone in (control)', async () => {
    const broken = schemaWithUnguardedFields();
    expect(unguardedRootFields(broken)).toEqual(['Mutation.open', 'Query.leak']);
    // Not a hypothetical: without identity, both answer.
    const leak = await execute({ schema: broken, document: parse('{ leak guarded }'), contextValue: { identity: null } });
    expect(leak.data?.leak).toBe('secret');
    expect(leak.errors?.map((error) => error.path?.join('.'))).toEqual(['guarded']);
    const open = await execute({ schema: broken, document: parse('mutation { open }'), contextValue: { identity: null } });
    expect(open).toEqual({ data: { open: 'written' } });
  });

  // Behavioural twin of the test above: run every root field with no identity and expect a refusal
  // before any resolver touches the database (the context has no Prisma client to touch).
  for (const type of rootTypes) {
    for (const field of Object.values(type.getFields())) {
      it(`${type.name}.${field.name} refuses a caller without identity`, async () => {
        const operation = type === schema.getMutationType() ? 'mutation' : type === schema.getSubscriptionType() ? 'subscription' : 'query';
        const document = parse(`${operation} { ${field.name}${argumentList(field)}${selection(field)} }`);
        // A subscription is refused before `subscribe` runs: a result, not a stream (the context has no event bus to touch).
        const contextValue = { identity: null, prisma: null, taskEvents: null };
        const result = operation === 'subscription' ? await subscribe({ schema, document, contextValue }) : await execute({ schema, document, contextValue });
        if (Symbol.asyncIterator in result) throw new Error(`${field.name} opened a stream without identity`);
        expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(result.data?.[field.name] ?? null).toBeNull();
      });
    }
  }
});

function argumentList(field: GraphQLField<unknown, unknown>): string {
  const required = field.args.filter((arg: GraphQLArgument) => isNonNullType(arg.type));
  return required.length === 0 ? '' : `(${required.map((arg) => `${arg.name}: ${sampleValue(arg.type, field.name)}`).join(', ')})`;
}

function sampleValue(type: GraphQLInputType, argumentOwner: string): string {
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${fields.map((f) => `${f.name}: ${sampleValue(f.type, argumentOwner)}`).join(', ')} }`;
  }
  if (isScalarType(named) && named.name === 'Int') return '1';
  if (isScalarType(named) && named.name === 'Boolean') return 'true';
  // A well-formed global id of the type the argument expects ("User:1" or "Task:1").
  const expected = (argumentOwner === 'user' ? 'User' : 'Task') + ':1';
  return JSON.stringify(Buffer.from(expected).toString('base64'));
}

function selection(field: GraphQLField<unknown, unknown>): string {
  const named = getNamedType(field.type);
  return isScalarType(named) ? '' : ' { __typename }';
}
