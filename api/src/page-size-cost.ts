// The cost limit, applied to the page sizes a request really asks for.
//
// Upstream limitation: graphql-armor's cost limit runs at validation, before variables exist, and
// multiplies a connection's cost by `first`/`last` only when they are literals. The web app, like most
// clients, passes page sizes as variables (and may leave them out for the default of 20), so
// `tasks(first: $n) { … owner { tasks(first: $n) … } }` would be costed as if each page held one row.
// This hook runs at execution, where the variables are known: it writes every page size into a copy
// of the document as a literal and runs graphql-armor's own cost rule on that copy.
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError, Kind, TypeInfo, validate, visit, visitWithTypeInfo,
  type ArgumentNode, type DocumentNode, type GraphQLSchema, type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './schema/pagination.ts';

type CostLimitOptions = NonNullable<NonNullable<ConstructorParameters<typeof EnvelopArmor>[0]>['costLimit']>;

const PAGE_SIZE_ARGUMENTS = ['first', 'last'];

/** A page size as the resolvers will see it: out-of-range values are refused there (BAD_USER_INPUT). */
const rowsOf = (value: number) => Math.min(Math.max(Math.trunc(value), 1), MAX_PAGE_SIZE);

const intArgument = (name: string, value: number): ArgumentNode => ({
  kind: Kind.ARGUMENT,
  name: { kind: Kind.NAME, value: name },
  value: { kind: Kind.INT, value: String(rowsOf(value)) },
});

/**
 * `document` with each page size written as a literal: a `first`/`last` variable becomes its value
 * (or the variable's default), and a connection given neither gets `first: DEFAULT_PAGE_SIZE`.
 */
export function withPageSizesWrittenIn(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined): DocumentNode {
  const defaults = new Map<string, unknown>();
  visit(document, {
    VariableDefinition(node) {
      if (node.defaultValue?.kind === Kind.INT) defaults.set(node.variable.name.value, Number(node.defaultValue.value));
    },
  });
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const isConnection = typeInfo.getFieldDef()?.args.some((arg) => arg.name === 'first');
        if (!isConnection || node.arguments?.some((arg) => PAGE_SIZE_ARGUMENTS.includes(arg.name.value))) return undefined;
        return { ...node, arguments: [...(node.arguments ?? []), intArgument('first', DEFAULT_PAGE_SIZE)] };
      },
      Argument(node) {
        if (!PAGE_SIZE_ARGUMENTS.includes(node.name.value) || node.value.kind !== Kind.VARIABLE) return undefined;
        const name = node.value.name.value;
        const value = variables?.[name] ?? defaults.get(name);
        return typeof value === 'number' && Number.isFinite(value) ? intArgument(node.name.value, value) : undefined;
      },
    }),
  );
}

/** graphql-armor's cost rule itself, taken from the armor with every other protection off. */
function armorCostRule(options: CostLimitOptions): ValidationRule {
  const off = { enabled: false };
  const armor = new EnvelopArmor({ costLimit: options, blockFieldSuggestion: off, maxTokens: off, maxDirectives: off, maxAliases: off, maxDepth: off });
  const rules: ValidationRule[] = [];
  for (const plugin of armor.protect().plugins) {
    plugin.onValidate?.({ addValidationRule: (rule: ValidationRule) => rules.push(rule) } as never);
  }
  if (rules.length !== 1) throw new Error('graphql-armor no longer adds its cost limit as one validation rule');
  return rules[0]!;
}

/** Page-size variable names of a document, in order (the document itself is Yoga's cached parse). */
const pageSizeVariablesOf = new WeakMap<DocumentNode, string[]>();
const MAX_VERDICTS_PER_DOCUMENT = 64;

function pageSizeVariables(document: DocumentNode): string[] {
  let names = pageSizeVariablesOf.get(document);
  if (!names) {
    const found: string[] = [];
    visit(document, {
      Argument(node) {
        if (PAGE_SIZE_ARGUMENTS.includes(node.name.value) && node.value.kind === Kind.VARIABLE) found.push(node.value.name.value);
      },
    });
    names = found;
    pageSizeVariablesOf.set(document, names);
  }
  return names;
}

export function useCostOfPageSizes(options: CostLimitOptions): Plugin {
  const costRule = armorCostRule(options);
  /** Per document, the cost check's errors for each combination of page-size variable values seen. */
  const verdictsOf = new WeakMap<DocumentNode, Map<string, readonly GraphQLError[]>>();
  const check = (schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | null | undefined) => {
    const written = withPageSizesWrittenIn(schema, document, variables);
    return written === document ? [] : validate(schema, written, [costRule]);
  };
  type Args = { schema: GraphQLSchema; document: DocumentNode; variableValues?: Record<string, unknown> | null };
  const refusal = (args: Args) => {
    // The same query with the same page sizes costs the same: check each combination once.
    const key = JSON.stringify(pageSizeVariables(args.document).map((name) => args.variableValues?.[name] ?? null));
    let verdicts = verdictsOf.get(args.document);
    if (!verdicts) verdictsOf.set(args.document, (verdicts = new Map()));
    let errors = verdicts.get(key);
    if (!errors) {
      errors = check(args.schema, args.document, args.variableValues);
      if (verdicts.size >= MAX_VERDICTS_PER_DOCUMENT) verdicts.clear();
      verdicts.set(key, errors);
    }
    if (errors.length === 0) return undefined;
    // Answered like the validation-time refusal: 400 under the GraphQL-over-HTTP media type.
    return {
      errors: errors.map((error) => new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400, spec: true } } })),
    };
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
    // A subscription's events are resolved with the same selection: checked once, before it opens.
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
