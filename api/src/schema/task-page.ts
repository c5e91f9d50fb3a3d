// Query.tasks, the page every client opens first, read with one SQL statement through the query builder
// (docs/decisions/0012-lean-hot-reads.md): the caller's tasks joined with their owner, newest first.
// Pothos' Prisma connection still plans the query (page window, cursor, what to include), checks the
// arguments and shapes the connection; this module only answers the plan Prisma would have answered,
// for the selections it knows (the tasks, and each one's owner). Any other plan goes to Prisma.
import type { User } from '@taskgate/prisma/client';
import { compiledPerShape, type Placeholders, type QueryBuilder, type Shape } from '@taskgate/prisma/connect';
import { sql } from 'kysely';
import type { GraphQLContext } from '../auth/context.ts';
import { parseSearch } from './task-input.ts';

export interface TaskFilterInput {
  completed?: boolean | null;
  search?: string | null;
}

/** The part of the connection's planned Prisma query this read answers. */
interface PagePlan {
  take?: number;
  skip?: number;
  cursor?: { id?: string };
  include?: unknown;
  select?: unknown;
}

/**
 * The rows Prisma's `task.findMany({ ...plan, where: caller and filter, orderBy: newest first })`
 * returns, each with its owner (task-owner.ts then needs no query).
 */
export async function readTaskPage(context: GraphQLContext, ownerId: string, filter: TaskFilterInput | null | undefined, plan: PagePlan) {
  const take = plan.take ?? 0;
  const search = parseSearch('filter.search', filter?.search);
  const completed = filter?.completed ?? undefined;
  const cursorId = plan.cursor?.id;
  const shape: PageShape = { completed: completed !== undefined, search: search !== undefined, cursor: cursorId !== undefined, backward: take < 0, limited: take !== 0 };
  const values: PageValues = {
    ownerId,
    completed: completed ?? false,
    // ILIKE would read a "%" or "_" typed by a user as a wildcard: escape them (and the escape itself).
    pattern: search === undefined ? '' : `%${search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`,
    cursorId: cursorId ?? '',
    limit: Math.abs(take),
    offset: plan.skip ?? 0,
  };
  const rows = await context.readAsCaller((db) => pageStatement(db, shape, values));
  // Every row's owner is the caller: one owner object for the page (its scope is then checked once).
  let owner: User | undefined;
  const tasks = rows.map((row) => {
    if (owner?.id !== row.ownerId) {
      owner = { id: row.ownerId, name: row.ownerName, email: row.ownerEmail, emailVerified: row.ownerEmailVerified, image: row.ownerImage, createdAt: row.ownerCreatedAt, updatedAt: row.ownerUpdatedAt };
    }
    return { id: row.id, title: row.title, description: row.description, completed: row.completed, createdAt: row.createdAt, updatedAt: row.updatedAt, ownerId: row.ownerId, owner };
  });
  // A backward page (negative take) was read in reverse order; Prisma returns it newest first too.
  return shape.backward ? tasks.reverse() : tasks;
}

/** What decides the page statement's SQL (compiled-per-shape.ts): which conditions it has, and its order. */
export interface PageShape extends Shape {
  completed: boolean;
  search: boolean;
  cursor: boolean;
  /** A backward page (negative take): read oldest first. */
  backward: boolean;
  /** False for take 0 (no limit). */
  limited: boolean;
}

export interface PageValues extends Record<string, unknown> {
  ownerId: string;
  completed: boolean;
  /** The search as an ILIKE pattern. */
  pattern: string;
  cursorId: string;
  limit: number;
  offset: number;
}

/**
 * Newest first, the id breaking ties (the (ownerId, createdAt, id) index serves it). With a cursor:
 * rows from the cursor's own position on, as Prisma's cursor pagination reads them (`skip` then
 * drops the cursor row). The cursor is looked up among the caller's tasks only: another user's task
 * id as a cursor finds nothing and the page is empty, revealing nothing about that task.
 */
export function pageQuery(db: QueryBuilder, shape: PageShape, value: Placeholders<PageValues>) {
  const direction = shape.backward ? 'asc' : 'desc';
  let query = db
    .selectFrom('task')
    .innerJoin('user as owner', 'owner.id', 'task.ownerId')
    .select([
      'task.id',
      'task.title',
      'task.description',
      'task.completed',
      'task.createdAt',
      'task.updatedAt',
      'task.ownerId',
      'owner.name as ownerName',
      'owner.email as ownerEmail',
      'owner.emailVerified as ownerEmailVerified',
      'owner.image as ownerImage',
      'owner.createdAt as ownerCreatedAt',
      'owner.updatedAt as ownerUpdatedAt',
    ])
    .where('task.ownerId', '=', value('ownerId'));
  if (shape.completed) query = query.where('task.completed', '=', value('completed'));
  if (shape.search) query = query.where((row) => row.or([row('task.title', 'ilike', value('pattern')), row('task.description', 'ilike', value('pattern'))]));
  if (shape.cursor) {
    const position = db.selectFrom('task as cursor').select(['cursor.createdAt', 'cursor.id']).where('cursor.id', '=', value('cursorId')).where('cursor.ownerId', '=', value('ownerId'));
    query = query.where(sql<boolean>`(${sql.ref('task.createdAt')}, ${sql.ref('task.id')}) ${sql.raw(shape.backward ? '>=' : '<=')} (${position})`);
  }
  query = query.orderBy('task.createdAt', direction).orderBy('task.id', direction).offset(value('offset'));
  return shape.limited ? query.limit(value('limit')) : query;
}

const pageStatement = compiledPerShape(pageQuery);
