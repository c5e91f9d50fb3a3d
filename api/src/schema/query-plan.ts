// What Pothos' Prisma plugin plans for a field is a Prisma query: `include` or `select` appear when the
// requested selection reaches into relations. A plan without either asks for the model's own columns,
// which a query-builder read answers as well as Prisma would (docs/decisions/0012-lean-hot-reads.md).

/** True when `plan` asks for nothing but the model's own columns. */
export function isColumnsOnlyPlan(plan: { include?: unknown; select?: unknown }): boolean {
  return plan.include === undefined && plan.select === undefined;
}
