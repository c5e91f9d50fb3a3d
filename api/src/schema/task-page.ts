// Query.tasks, the page every client opens first, read with one SQL statement through the query builder
// (docs/decisions/0012-lean-hot-reads.md): the caller's tasks joined with their owner, newest first.
// Pothos' Prisma connection still plans the query (page window, cursor, what to include), checks the
// arguments and shapes the connection; this module only answers the plan Prisma would have answered,
// for the selections it knows (the tasks, and each one's owner). Any other plan goes to Prisma.
import type { User } from '@taskgate/prisma/client';
import type { QueryBuilder } from '@taskgate/prisma/connect';
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
  const rows = await context.readAsCaller((db) => pageQuery(db, ownerId, filter, plan).execute());
  // Every row's owner is the caller: one owner object for the page (its scope is then checked once).
  let owner: User | undefined;
  const tasks = rows.map((row) => {
    if (owner?.id !== row.ownerId) {
      owner = { id: row.ownerId, name: row.ownerName, email: row.ownerEmail, emailVerified: row.ownerEmailVerified, image: row.ownerImage, createdAt: row.ownerCreatedAt, updatedAt: row.ownerUpdatedAt };
    }
    return { id: row.id, title: row.title, description: row.description, completed: row.completed, createdAt: row.createdAt, updatedAt: row.updatedAt, ownerId: row.ownerId, owner };
  });
  // A backward page (negative take) was read in reverse order; Prisma returns it newest first too.
  return (plan.take ?? 0) < 0 ? tasks.reverse() : tasks;
}

/**
 * Newest first, the id breaking ties (the (ownerId, createdAt, id) index serves it). With a cursor:
 * rows from the cursor's own position on, as Prisma's cursor pagination reads them (`skip` then
 * drops the cursor row). The cursor is looked up among the caller's tasks only: another user's task
 * id as a cursor finds nothing and the page is empty, revealing nothing about that task.
 */
function pageQuery(db: QueryBuilder, ownerId: string, filter: TaskFilterInput | null | undefined, plan: PagePlan) {
  const take = plan.take ?? 0;
  const direction = take < 0 ? 'asc' : 'desc';
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
    .where('task.ownerId', '=', ownerId);
  if (filter?.completed !== null && filter?.completed !== undefined) query = query.where('task.completed', '=', filter.completed);
  const search = parseSearch('filter.search', filter?.search);
  if (search !== undefined) {
    // ILIKE would read a "%" or "_" typed by a user as a wildcard: escape them (and the escape itself).
    const pattern = `%${search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    query = query.where((row) => row.or([row('task.title', 'ilike', pattern), row('task.description', 'ilike', pattern)]));
  }
  const cursorId = plan.cursor?.id;
  if (cursorId !== undefined) {
    const position = db.selectFrom('task as cursor').select(['cursor.createdAt', 'cursor.id']).where('cursor.id', '=', cursorId).where('cursor.ownerId', '=', ownerId);
    query = query.where(sql<boolean>`(${sql.ref('task.createdAt')}, ${sql.ref('task.id')}) ${sql.raw(take < 0 ? '>=' : '<=')} (${position})`);
  }
  query = query.orderBy('task.createdAt', direction).orderBy('task.id', direction).offset(plan.skip ?? 0);
  return take === 0 ? query : query.limit(Math.abs(take));
}
