// A bug the second locks must survive, planted in the query builder: every `task.ownerId <op> …`
// condition replaced with `1 = 1`, so the tasks page reads everyone's tasks.
import { queryBuilderOf, type QueryBuilder } from '@taskgate/prisma/connect';
import type { PrismaClient } from '@taskgate/prisma/client';
import { BinaryOperationNode, ColumnNode, OperationNodeTransformer, OperatorNode, ReferenceNode, TableNode, ValueNode, type KyselyPlugin } from 'kysely';

class WithoutTaskOwnerFilter extends OperationNodeTransformer {
  protected override transformBinaryOperation(node: BinaryOperationNode): BinaryOperationNode {
    const left = node.leftOperand;
    const onTaskOwner =
      ReferenceNode.is(left) && ColumnNode.is(left.column) && left.column.column.name === 'ownerId' && left.table !== undefined && TableNode.is(left.table) && left.table.table.identifier.name === 'task';
    if (onTaskOwner) return BinaryOperationNode.create(ValueNode.createImmediate(1), OperatorNode.create('='), ValueNode.createImmediate(1));
    return super.transformBinaryOperation(node);
  }
}

const forgetTaskOwner: KyselyPlugin = {
  transformQuery: ({ node }) => new WithoutTaskOwnerFilter().transformNode(node),
  transformResult: async ({ result }) => result,
};

/** `prisma`'s query builder with the owner filter forgotten. */
export function forgetfulQueryBuilder(prisma: PrismaClient): QueryBuilder {
  return queryBuilderOf(prisma).withPlugin(forgetTaskOwner);
}
