// The task feature's GraphQL operations, typed by codegen (web/src/gql, `pnpm codegen`).
import { graphql } from '../../gql';

export const TaskFieldsFragment = graphql(`
  fragment TaskFields on Task {
    id
    title
    description
    completed
    createdAt
    updatedAt
  }
`);

export const TaskListQuery = graphql(`
  query TaskList($first: Int!, $after: String, $filter: TaskFilter) {
    tasks(first: $first, after: $after, filter: $filter) {
      edges {
        cursor
        node {
          ...TaskFields
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`);

export const CreateTaskMutation = graphql(`
  mutation CreateTask($input: CreateTaskInput!) {
    createTask(input: $input) {
      ...TaskFields
    }
  }
`);

export const UpdateTaskMutation = graphql(`
  mutation UpdateTask($id: ID!, $input: UpdateTaskInput!) {
    updateTask(id: $id, input: $input) {
      ...TaskFields
    }
  }
`);

export const DeleteTaskMutation = graphql(`
  mutation DeleteTask($id: ID!) {
    deleteTask(id: $id)
  }
`);

// Live changes to the caller's own tasks (SSE through lib/sse-link.ts); applied by live-task-events.ts.
export const TaskEventsSubscription = graphql(`
  subscription TaskEvents {
    taskEvents {
      kind
      taskId
      task {
        ...TaskFields
      }
    }
  }
`);
