// A hot read's statement built and compiled once per shape, instead of on every request. Building a
// query with the query builder allocates a frozen tree of nodes and compiling it walks that tree into a
// new SQL string, each time; on the tasks page that was about a tenth of the API's CPU
// (docs/decisions/0012-lean-hot-reads.md, the sixth lever). The SQL of such a read depends only on a few
// yes/no decisions (is there a cursor? a filter?) — its shape — and never on the values sent with it.
//
// So the build is given the shape and placeholders, never the request's values: it cannot make the
// SQL depend on a value, and the statement compiled for a shape is the one every request of that
// shape would have compiled. The placeholders sit where the values go, as parameters ($1, $2, …);
// each request sends its own values in their places. A shape is a record of booleans, so a read has a
// bounded number of statements (2^keys at most).
import type { Compilable, CompiledQuery } from 'kysely';
import type { QueryBuilder } from './query-builder.ts';

/** What a read's build may decide its SQL by. */
export type Shape = Record<string, boolean>;

/** Stands for a value in a built query; typed as the value it stands for, so the build type-checks. */
export type Placeholders<Values> = <Key extends keyof Values & string>(key: Key) => Values[Key];

/** Sent as a parameter in place of the request's value named `key`. */
class Placeholder {
  constructor(readonly key: string) {}
}

const placeholder = ((key: string) => new Placeholder(key)) as Placeholders<never>;

/**
 * `build`'s query, compiled once per shape, run with each request's values. A query builder with
 * plugins compiles the query anew every time: a plugin rewrites the query as it is compiled (the
 * tests' forgetful query builder does), so its statements are never shared with another builder's.
 */
export function compiledPerShape<S extends Shape, Values extends Record<string, unknown>, Row>(
  build: (db: QueryBuilder, shape: S, value: Placeholders<Values>) => Compilable<Row>,
): (db: QueryBuilder, shape: S, values: Values) => Promise<Row[]> {
  const compiled = new Map<string, CompiledQuery<Row>>();
  return async (db, shape, values) => {
    const plain = db.getExecutor().plugins.length === 0;
    const key = plain ? shapeKey(shape) : '';
    let statement = plain ? compiled.get(key) : undefined;
    if (statement === undefined) {
      statement = build(db, shape, placeholder as Placeholders<Values>).compile();
      if (plain) compiled.set(key, statement);
    }
    const parameters = statement.parameters.map((parameter) => (parameter instanceof Placeholder ? values[parameter.key] : parameter));
    const result = await db.executeQuery<Row>({ ...statement, parameters });
    return result.rows;
  };
}

/** The same key for the same decisions, whatever order the caller wrote them in. */
function shapeKey(shape: Shape): string {
  return Object.keys(shape)
    .sort()
    .map((name) => `${name}=${shape[name] ? 1 : 0}`)
    .join(',');
}
