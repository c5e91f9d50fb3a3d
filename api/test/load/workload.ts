// The isolation workload: many users at once, each with its own token, each running a random mix of
// create / update / delete / list / task(id) / node(id) and probes at other users' tasks, one request
// at a time, against a listening API. Every read is checked against that user's own ledger, so a row
// of another user, a lost acknowledged write or a stale read is caught the moment it is seen.
import { postGraphQL, type GraphQLHttpResponse } from './graphql-client.ts';
import { UserLedger, type Mismatch, type TaskState, type TaskView } from './ledger.ts';

export interface LoadUser {
  /** Database id. */
  id: string;
  /** Relay global id, as `owner { id }` returns it. */
  globalId: string;
  token: string;
  /** A marker in each of this user's titles, unique to the user ("<u007:run>"): used to probe search. */
  tag: string;
}

export interface WorkloadOptions {
  endpoint: string;
  users: LoadUser[];
  durationMs: number;
  /** Goes on past durationMs until this aborts (a test's disruption is over), when given. */
  until?: AbortSignal;
  /**
   * Operations each user completes even if the time is up: keeps a short run meaningful on a slow or
   * busy machine (the run then takes longer than durationMs).
   */
  minOperationsPerUser?: number;
  seed: number;
  /** Live tasks above which a user deletes rather than creates; keeps listings a few pages long. */
  maxLiveTasksPerUser?: number;
}

export type OperationKind = 'create' | 'update' | 'delete' | 'list' | 'search' | 'task' | 'node' | 'foreign-probe';

export interface WorkloadReport {
  users: number;
  durationMs: number;
  seed: number;
  requests: number;
  operations: Record<OperationKind, number>;
  /** Individual comparisons of a response (a task, a listing entry, a probe) with a ledger. */
  checks: number;
  acknowledgedWrites: number;
  serverErrors: number;
  transportErrors: number;
  /** 4xx, GraphQL errors, or a payload of the wrong shape on a request that should have succeeded. */
  unexpectedResponses: number;
  crossUserRows: number;
  lostWrites: number;
  staleReads: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** When each failed request (transport error or 5xx) was sent and when it failed (performance.now()). */
  failedRequests: { sentAt: number; failedAt: number }[];
  /** The first few problems, described. */
  problems: string[];
  ledgers: UserLedger[];
}

const TASK_FIELDS = 'id title description completed owner { id }';
const CREATE = `mutation CreateTask($input: CreateTaskInput!) { createTask(input: $input) { ${TASK_FIELDS} } }`;
const UPDATE = `mutation UpdateTask($id: ID!, $input: UpdateTaskInput!) { updateTask(id: $id, input: $input) { ${TASK_FIELDS} } }`;
const DELETE = 'mutation DeleteTask($id: ID!) { deleteTask(id: $id) }';
const PAGE = `query TaskPage($first: Int!, $after: String, $filter: TaskFilter) {
  tasks(first: $first, after: $after, filter: $filter) { edges { node { ${TASK_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`;
const TASK = `query Task($id: ID!) { task(id: $id) { ${TASK_FIELDS} } }`;
const NODE = `query Node($id: ID!) { node(id: $id) { id ... on Task { ${TASK_FIELDS} } } }`;

const WORDS = ['apple', 'bridge', 'copper', 'delta', 'ember', 'falcon', 'garnet', 'harbor', 'island', 'juniper'];
const EXTRAS = ['', ' café', ' ✓ done', ' 日本', ' 🚀', ' a "quoted" word', ' 50% off', ' under_score'];
const PAGE_SIZES = [5, 10, 20, 50];
const MAX_PROBLEMS = 25;

const WEIGHTS: [OperationKind, number][] = [
  ['create', 20],
  ['update', 18],
  ['delete', 8],
  ['list', 20],
  ['search', 8],
  ['task', 12],
  ['node', 8],
  ['foreign-probe', 6],
];

/** mulberry32: a small seeded generator, so a failing run can be replayed with its seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What all simulated users share: the endpoint, the counters, and who created which task. */
class WorkloadRun {
  readonly latencies: number[] = [];
  /** Ids each user has created: the targets of other users' probes. */
  readonly createdIds: string[][];
  readonly report: Omit<WorkloadReport, 'latencyMs' | 'ledgers' | 'durationMs'>;

  constructor(readonly options: WorkloadOptions) {
    this.createdIds = options.users.map(() => []);
    this.report = {
      users: options.users.length,
      seed: options.seed,
      requests: 0,
      operations: Object.fromEntries(WEIGHTS.map(([kind]) => [kind, 0])) as Record<OperationKind, number>,
      checks: 0,
      acknowledgedWrites: 0,
      serverErrors: 0,
      transportErrors: 0,
      unexpectedResponses: 0,
      crossUserRows: 0,
      lostWrites: 0,
      staleReads: 0,
      failedRequests: [],
      problems: [],
    };
  }

  problem(user: LoadUser, text: string): void {
    if (this.report.problems.length < MAX_PROBLEMS) this.report.problems.push(`${user.tag} ${text}`);
  }

  record(user: LoadUser, mismatches: Mismatch[], checks = 1): void {
    this.report.checks += checks;
    for (const mismatch of mismatches) {
      if (mismatch.kind === 'cross-user') this.report.crossUserRows++;
      else if (mismatch.kind === 'lost-write') this.report.lostWrites++;
      else this.report.staleReads++;
      this.problem(user, `${mismatch.kind}: ${mismatch.detail}`);
    }
  }

  /** One request; null when the outcome is unknown (transport error or 5xx), counted as such. */
  async send(user: LoadUser, query: string, variables: Record<string, unknown>): Promise<GraphQLHttpResponse | null> {
    const started = performance.now();
    this.report.requests++;
    try {
      const response = await postGraphQL(this.options.endpoint, { query, variables, token: user.token });
      this.latencies.push(performance.now() - started);
      if (response.status >= 500) {
        this.report.serverErrors++;
        this.report.failedRequests.push({ sentAt: started, failedAt: performance.now() });
        this.problem(user, `HTTP ${response.status}: ${response.text.slice(0, 200)}`);
        return null;
      }
      return response;
    } catch (error) {
      this.report.transportErrors++;
      this.report.failedRequests.push({ sentAt: started, failedAt: performance.now() });
      this.problem(user, `transport error: ${(error as Error).message}`);
      return null;
    }
  }

  /** The payload of a request that must succeed, or null (counted) when it did not. */
  expectData(user: LoadUser, response: GraphQLHttpResponse | null, what: string): Record<string, any> | null {
    if (!response) return null;
    if (response.status !== 200 || !response.body?.data || response.body.errors) {
      this.report.unexpectedResponses++;
      this.problem(user, `${what}: HTTP ${response.status} ${response.text.slice(0, 200)}`);
      return null;
    }
    return response.body.data;
  }
}

/** One user: its own seeded choices (replayable with the seed whatever the timing) and its ledger. */
class SimulatedUser {
  readonly ledger: UserLedger;
  private serial = 0;

  constructor(
    private readonly run: WorkloadRun,
    private readonly user: LoadUser,
    private readonly index: number,
    private readonly random: () => number,
  ) {
    this.ledger = new UserLedger(user.id, user.globalId);
  }

  private pickOne<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  async runUntil(timeLeft: () => boolean, minOperations: number, maxLive: number): Promise<void> {
    for (let done = 0; timeLeft() || done < minOperations; done++) {
      let kind = weightedKind(this.random());
      const live = this.ledger.settledIds();
      if ((kind === 'update' || kind === 'delete' || kind === 'task' || kind === 'node') && live.length === 0) kind = 'create';
      if (kind === 'create' && live.length >= maxLive) kind = 'delete';
      this.run.report.operations[kind]++;
      switch (kind) {
        case 'create':
          await this.createTask();
          break;
        case 'update':
          await this.updateTask(this.pickOne(live));
          break;
        case 'delete':
          await this.deleteTask(this.pickOne(live));
          break;
        case 'list':
          await this.list();
          break;
        case 'search':
          await this.search();
          break;
        case 'task':
        case 'node':
          await this.readOne(kind);
          break;
        case 'foreign-probe':
          await this.foreignProbe();
          break;
      }
    }
  }

  private title(): string {
    const text = `${this.user.tag} #${++this.serial} ${this.pickOne(WORDS)}${this.pickOne(EXTRAS)}`;
    return this.random() < 0.1 ? `  ${text}  ` : text; // the API trims titles
  }

  private description(): string | null {
    const roll = this.random();
    if (roll < 0.3) return null;
    if (roll < 0.4) return '   '; // blank clears it: stored as null
    return `${this.pickOne(WORDS)} ${this.pickOne(WORDS)}${this.pickOne(EXTRAS)}`;
  }

  private async createTask() {
    const input = { title: this.title(), description: this.description() };
    const expected: TaskState = { title: input.title.trim(), description: normalise(input.description), completed: false };
    const response = await this.run.send(this.user, CREATE, { input });
    const created = this.run.expectData(this.user, response, 'createTask')?.createTask as TaskView | undefined;
    if (!created) return this.ledger.outcomeUnknown({ createTitle: expected.title });
    this.ledger.created(created.id, expected);
    this.run.createdIds[this.index]!.push(created.id);
    this.run.record(this.user, this.ledger.checkTask(created.id, created));
  }

  private async updateTask(id: string) {
    const current = this.ledger.live.get(id)!;
    const input: Record<string, unknown> = {};
    if (this.random() < 0.5) input.title = this.title();
    if (this.random() < 0.4) input.description = this.description();
    if (this.random() < 0.6 || Object.keys(input).length === 0) input.completed = this.random() < 0.5;
    const expected: TaskState = {
      title: typeof input.title === 'string' ? input.title.trim() : current.title,
      description: 'description' in input ? normalise(input.description as string | null) : current.description,
      completed: typeof input.completed === 'boolean' ? input.completed : current.completed,
    };
    const response = await this.run.send(this.user, UPDATE, { id, input });
    const updated = this.run.expectData(this.user, response, 'updateTask')?.updateTask as TaskView | undefined;
    if (!updated) return this.ledger.outcomeUnknown({ id });
    this.ledger.updated(id, expected);
    this.run.record(this.user, this.ledger.checkTask(id, updated));
  }

  private async deleteTask(id: string) {
    const response = await this.run.send(this.user, DELETE, { id });
    const data = this.run.expectData(this.user, response, 'deleteTask');
    if (!data) return this.ledger.outcomeUnknown({ id });
    if (data.deleteTask !== id) this.run.record(this.user, [{ kind: 'stale-read', detail: `deleteTask(${id}) answered ${data.deleteTask}` }], 0);
    this.ledger.removed(id);
  }

  /** Reads every page; null when a page failed (already counted). */
  private async listAll(filter: Record<string, unknown> | null): Promise<TaskView[] | null> {
    const first = this.pickOne(PAGE_SIZES);
    const views: TaskView[] = [];
    let after: string | null = null;
    for (;;) {
      const response = await this.run.send(this.user, PAGE, { first, after, filter });
      const page = this.run.expectData(this.user, response, 'tasks')?.tasks;
      if (!page) return null;
      views.push(...page.edges.map((edge: { node: TaskView }) => edge.node));
      if (!page.pageInfo.hasNextPage) return views;
      after = page.pageInfo.endCursor;
    }
  }

  private async list() {
    const roll = this.random();
    const filter = roll < 0.6 ? null : { completed: roll < 0.8 };
    const views = await this.listAll(filter);
    if (!views) return;
    const matches = filter ? (state: TaskState) => state.completed === filter.completed : undefined;
    this.run.record(this.user, this.ledger.checkListing(views, matches), Math.max(1, views.length));
  }

  private async search() {
    const word = this.random() < 0.3 ? this.user.tag : this.pickOne(WORDS);
    const views = await this.listAll({ search: word });
    if (!views) return;
    const needle = word.toLowerCase();
    const matches = (state: TaskState) => state.title.toLowerCase().includes(needle) || (state.description ?? '').toLowerCase().includes(needle);
    this.run.record(this.user, this.ledger.checkListing(views, matches), Math.max(1, views.length));
  }

  private async readOne(kind: 'task' | 'node') {
    const id = this.pickOne(this.ledger.knownIds());
    const response = await this.run.send(this.user, kind === 'task' ? TASK : NODE, { id });
    const data = this.run.expectData(this.user, response, kind);
    if (!data) return;
    this.run.record(this.user, this.ledger.checkTask(id, (data[kind] as TaskView | null) ?? null));
  }

  /** Another user's task, by every road: it must be invisible and untouchable. */
  private async foreignProbe() {
    const { users } = this.run.options;
    const victims = this.run.createdIds.filter((ids, owner) => owner !== this.index && ids.length > 0);
    const roll = this.random();
    if (victims.length === 0 || roll < 0.2) {
      // Search for another user's marker: must find nothing.
      const other = users[(this.index + 1 + Math.floor(this.random() * (users.length - 1))) % users.length]!;
      if (other === this.user) return;
      const views = await this.listAll({ search: other.tag });
      if (!views) return;
      this.run.record(this.user, views.length > 0 ? [{ kind: 'cross-user', detail: `search for ${other.tag} returned ${views.length} rows` }] : []);
      return;
    }
    const id = this.pickOne(this.pickOne(victims));
    if (roll < 0.6) {
      const kind = roll < 0.4 ? 'task' : 'node';
      const data = this.run.expectData(this.user, await this.run.send(this.user, kind === 'task' ? TASK : NODE, { id }), `foreign ${kind}`);
      if (!data) return;
      this.run.record(this.user, data[kind] !== null ? [{ kind: 'cross-user', detail: `${kind}(${id}) of another user returned ${JSON.stringify(data[kind])}` }] : []);
      return;
    }
    const [field, response] =
      roll < 0.8
        ? (['updateTask', await this.run.send(this.user, UPDATE, { id, input: { title: `${this.user.tag} was here`, completed: true } })] as const)
        : (['deleteTask', await this.run.send(this.user, DELETE, { id })] as const);
    if (!response) return;
    const data = response.body?.data?.[field];
    if (data !== null && data !== undefined) {
      this.run.record(this.user, [{ kind: 'cross-user', detail: `${field}(${id}) of another user succeeded: ${response.text.slice(0, 200)}` }]);
    } else if (response.status !== 200 || response.body?.errors?.[0]?.extensions?.code !== 'NOT_FOUND') {
      this.run.report.unexpectedResponses++;
      this.run.problem(this.user, `foreign ${field}: HTTP ${response.status} ${response.text.slice(0, 200)}`);
    } else {
      this.run.record(this.user, []);
    }
  }
}

const normalise = (value: string | null) => (value === null || value.trim() === '' ? null : value.trim());

export async function runIsolationWorkload(options: WorkloadOptions): Promise<WorkloadReport> {
  const run = new WorkloadRun(options);
  const simulated = options.users.map((user, index) => new SimulatedUser(run, user, index, seededRandom(options.seed * 7919 + index)));

  const started = performance.now();
  const deadline = started + options.durationMs;
  const timeLeft = () => performance.now() < deadline || (options.until !== undefined && !options.until.aborted);
  await Promise.all(simulated.map((user) => user.runUntil(timeLeft, options.minOperationsPerUser ?? 0, options.maxLiveTasksPerUser ?? 30)));
  const durationMs = performance.now() - started;

  const latencies = run.latencies.sort((a, b) => a - b);
  const percentile = (p: number) => (latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!);
  const ledgers = simulated.map((user) => user.ledger);
  return {
    ...run.report,
    acknowledgedWrites: ledgers.reduce((sum, ledger) => sum + ledger.acknowledgedWrites, 0),
    durationMs,
    latencyMs: { p50: percentile(50), p99: percentile(99), max: latencies.at(-1) ?? 0 },
    ledgers,
  };
}

const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);

function weightedKind(roll: number): OperationKind {
  let threshold = roll * TOTAL_WEIGHT;
  for (const [kind, weight] of WEIGHTS) {
    threshold -= weight;
    if (threshold < 0) return kind;
  }
  return WEIGHTS[0]![0];
}
