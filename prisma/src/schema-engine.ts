// Prisma's schema differ, without Prisma's native schema engine.
//
// Upstream limitation: Prisma 7.10's CLI needs the native schema-engine binary for every `migrate` and
// `db` command and downloads it from binaries.prisma.sh, which these machines cannot reach
// (prisma/orm#28662, prisma-engines#4447); the adapter-based Migrate of 6.x was removed in 7
// (prisma/orm#28499). So we drive Prisma's own WASM build of that engine (@prisma/schema-engine-wasm,
// pinned to the installed CLI's engines hash) over adapter-pg, and use only its `diff`: live database
// → schema.prisma. Migrations are applied by ./migrate.ts; no shadow database is ever needed.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlQueryable,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';

declare global {
  // Read by the WASM module's panic hook; must exist before the module starts.
  // eslint-disable-next-line no-var
  var PRISMA_WASM_PANIC_REGISTRY: { set_message(message: string): void } | undefined;
}

export const PRISMA_SCHEMA_PATH = fileURLToPath(new URL('../schema.prisma', import.meta.url));

/**
 * The SQL that would bring the live database at `databaseUrl` to the models of `schemaPath`, in the
 * format of a Prisma migration.sql; '' when they agree. `_prisma_migrations` is ignored by the differ.
 */
export async function diffDatabaseToSchema(databaseUrl: string, schemaPath: string): Promise<string> {
  const schemaFile = { path: basename(schemaPath), content: await readFile(schemaPath, 'utf8') };
  const result = await withSchemaEngine(databaseUrl, (engine) =>
    engine.diff({
      from: { tag: 'schemaDatasource', files: [schemaFile], configDir: dirname(resolve(schemaPath)) },
      to: { tag: 'schemaDatamodel', files: [schemaFile] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    }),
  );
  return normalizeScript(result.stdout ?? '');
}

/** The engine renders "no change" as "-- This is an empty migration."; callers want ''. */
function normalizeScript(script: string): string {
  const hasStatement = script.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--'));
  return hasStatement ? script : '';
}

async function withSchemaEngine<T>(databaseUrl: string, run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const SchemaEngineClass = await loadSchemaEngine();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, Client: CatalogCharClient });
  try {
    const adapterFactory = bindMigrationAwareSqlAdapterFactory(new CatalogCharAdapterFactory(pool));
    const engine = await SchemaEngineClass.new({ datamodels: undefined }, () => {}, adapterFactory).catch(explainPanic);
    try {
      return await run(engine).catch(explainPanic);
    } finally {
      engine.free();
    }
  } finally {
    await pool.end();
  }
}

let lastPanicMessage = '';
let schemaEngineClass: Promise<typeof SchemaEngine> | undefined;

// The package's main entry imports the .wasm file as an ES module, which Node 20 cannot do; instantiate
// it by hand exactly as Prisma's CLI does (@prisma/internals wasmSchemaEngineLoader). Once per process.
function loadSchemaEngine(): Promise<typeof SchemaEngine> {
  schemaEngineClass ??= (async () => {
    globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message: (message) => void (lastPanicMessage = message) };
    const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const bindingsPath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const module = await WebAssembly.compile(await readFile(bindingsPath.replace(/\.js$/, '.wasm')));
    const instance = await WebAssembly.instantiate(module, {
      './schema_engine_bg.js': bindings as unknown as WebAssembly.ModuleImports,
    });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings.SchemaEngine;
  })();
  return schemaEngineClass;
}

function explainPanic(error: unknown): never {
  if (error instanceof WebAssembly.RuntimeError) {
    // After a panic the WASM instance is unusable for the rest of this process.
    throw new Error(`Prisma schema engine (WASM) panicked: ${lastPanicMessage || error.message}`, { cause: error });
  }
  throw error;
}

// adapter-pg rejects PostgreSQL's one-byte "char" type (OID 18), which the engine's catalog queries
// select (pg_constraint.contype, confdeltype, ...), and the engine reads those columns as characters.
// So the client hands "char" columns to adapter-pg as text and the adapter reports them as Character.
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
const charColumnsOfRows = new WeakMap<object, number[]>();

function retypeCharColumns<R>(result: R): R {
  for (const part of (Array.isArray(result) ? result : [result]) as pg.QueryResult[]) {
    const charColumns: number[] = [];
    part.fields?.forEach((field, index) => {
      if (field.dataTypeID !== PG_CHAR_OID) return;
      field.dataTypeID = PG_TEXT_OID;
      charColumns.push(index);
    });
    if (charColumns.length > 0) charColumnsOfRows.set(part.rows, charColumns);
  }
  return result;
}

class CatalogCharClient extends pg.Client {
  // pg.Pool calls query(text, values, callback); a transaction's PoolClient uses the promise form.
  override query(...args: any[]): any {
    const callback: unknown = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = (error: Error | null, result: unknown) =>
        callback(error, error ? result : retypeCharColumns(result));
      return (super.query as (...a: unknown[]) => unknown).apply(this, args);
    }
    const pending = (super.query as (...a: unknown[]) => unknown).apply(this, args);
    return pending instanceof Promise ? pending.then(retypeCharColumns) : pending;
  }
}

function withCharacterColumns<Q extends SqlQueryable>(queryable: Q): Q {
  return new Proxy(queryable, {
    get(target, property) {
      if (property === 'queryRaw') {
        return async (query: SqlQuery): Promise<SqlResultSet> => {
          const resultSet = await target.queryRaw(query);
          for (const index of charColumnsOfRows.get(resultSet.rows) ?? []) {
            resultSet.columnTypes[index] = ColumnTypeEnum.Character;
          }
          return resultSet;
        };
      }
      if (property === 'startTransaction' && 'startTransaction' in target) {
        return async (...args: unknown[]) =>
          withCharacterColumns(await (target.startTransaction as (...a: unknown[]) => Promise<SqlQueryable>)(...args));
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

class CatalogCharAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName: string;
  readonly #inner: PrismaPg;

  constructor(pool: pg.Pool) {
    this.#inner = new PrismaPg(pool);
    this.adapterName = this.#inner.adapterName;
  }

  async connect() {
    return withCharacterColumns(await this.#inner.connect());
  }

  // Only reached for diffs from a migrations directory, which this module never asks for.
  async connectToShadowDb(): Promise<never> {
    throw new Error('schema-engine.ts diffs a live, migrated database and never uses a shadow database');
  }
}
