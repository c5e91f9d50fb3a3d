// The schema as a contract: the committed SDL is current, and no root field can ship unguarded.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execute, getNamedType, isInputObjectType, isNonNullType, isScalarType, parse, type GraphQLArgument, type GraphQLField, type GraphQLInputType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';
import { printSchemaSDL, SCHEMA_FILE } from '../src/schema/sdl.ts';

const rootTypes = [schema.getQueryType()!, schema.getMutationType()!];

describe('schema contract', () => {
  it('api/schema.graphql is up to date (run `pnpm --filter @taskgate/api print-schema`)', () => {
    expect(readFileSync(fileURLToPath(SCHEMA_FILE), 'utf8')).toBe(printSchemaSDL());
  });

  it('has no nodes(ids:) field, and Query/Mutation have exactly the contract\'s fields', () => {
    expect(Object.keys(schema.getQueryType()!.getFields()).sort()).toEqual(['me', 'node', 'task', 'tasks', 'user']);
    expect(Object.keys(schema.getMutationType()!.getFields()).sort()).toEqual(['createTask', 'deleteTask', 'updateTask']);
  });

  it('every root type requires the loggedIn scope and no root field opts out of it', () => {
    for (const type of rootTypes) {
      const typeOptions = (type.extensions as any).pothosOptions;
      expect(typeOptions?.authScopes, `${type.name} has no authScopes`).toEqual({ loggedIn: true });
      for (const field of Object.values(type.getFields())) {
        const fieldOptions = (field.extensions as any)?.pothosOptions ?? {};
        expect(fieldOptions.skipTypeScopes, `${type.name}.${field.name} skips the type scopes`).not.toBe(true);
      }
    }
  });

  // Behavioural twin of the test above: run every root field with no identity and expect a refusal
  // before any resolver touches the database (the context has no Prisma client to touch).
  for (const type of rootTypes) {
    for (const field of Object.values(type.getFields())) {
      it(`${type.name}.${field.name} refuses a caller without identity`, async () => {
        const operation = type === schema.getMutationType() ? 'mutation' : 'query';
        const document = parse(`${operation} { ${field.name}${argumentList(field)}${selection(field)} }`);
        const result = await execute({ schema, document, contextValue: { identity: null, prisma: null } });
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
