// The typed SDK (`agent-schedules/client`): friendly methods over openapi-fetch, typed from the API's own OpenAPI
// document (client/api-types.ts), with one error type and async iteration over every paged list.
import createFetchClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './api-types.ts';
import { AgentSchedulesError, errorFromResponse, networkError } from './errors.ts';

export { AgentSchedulesError, REQUEST_ID_HEADER, type ErrorDetails } from './errors.ts';
export type { components, paths } from './api-types.ts';

type Schemas = components['schemas'];
export type Schedule = Schemas['Schedule'];
export type ScheduleInput = Schemas['ScheduleInput'];
export type Run = Schemas['Run'];
export type RunStarted = Schemas['RunStarted'];
export type Preview = Schemas['Preview'];
export type PreviewInput = Schemas['PreviewInput'];
export type Batch = Schemas['Batch'];
export type BatchInput = Schemas['BatchInput'];
export type BatchItem = Schemas['BatchItem'];
export type BatchItemsInput = Schemas['BatchItemsInput'];
export type Agent = Schemas['Agent'];
export type AgentInput = Schemas['AgentInput'];
export type Secret = Schemas['Secret'];
export type RunInput = Schemas['RunInput'];
export type AgentPatch = Schemas['AgentPatch'];
export type TextToCron = Schemas['TextToCron'];
export type IssuedApiKey = Schemas['IssuedApiKey'];
export type CreateApiKeyInput = Schemas['CreateApiKeyInput'];
export type Health = Schemas['Health'];
export type Backfill = Schemas['Backfill'];
export type NotificationSettings = Schemas['NotificationSettings'];

export interface ClientOptions {
  /** The API's base URL: the stack output `ApiUrl`, or `http://localhost:3000` for `npm start`. */
  baseUrl: string;
  /** A tenant API key (or, for `apiKeys`, the deployment's admin key). Sent as `Authorization: Bearer …`, nowhere else. */
  apiKey: string;
  /** A fetch to use instead of the global one (tests, proxies). */
  fetch?: typeof globalThis.fetch;
}

/** Options of a call that creates something: the same key on a retry answers with what the first call created. */
export interface IdempotentCall {
  idempotencyKey?: string;
}

const idempotencyHeaders = (options?: IdempotentCall): Record<string, string> =>
  options?.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey };

/** What openapi-fetch answers: data on 2xx, the parsed error body otherwise. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Pages of a cursor-paged list, as one async iterable of its items. */
async function* everyPage<T>(fetchPage: (cursor: string | undefined) => Promise<{ data: T[]; next: string | null | undefined }>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.data;
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
}

/** A client for one deployment. Every method throws AgentSchedulesError when the API refuses or cannot be reached. */
export function createClient(options: ClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const http: Client<paths> = createFetchClient<paths>({
    baseUrl,
    headers: { authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function call<T>(request: Promise<Answer<T>>): Promise<T> {
    let answer: Answer<T>;
    try {
      answer = await request;
    } catch (error) {
      throw networkError(baseUrl, error);
    }
    if (!answer.response.ok) throw errorFromResponse(answer.response, answer.error);
    return answer.data as T;
  }

  const path = (id: string) => ({ path: { id } });

  const schedules = {
    create: async (input: ScheduleInput, call_?: IdempotentCall): Promise<Schedule> =>
      (await call(http.POST('/v1/schedules', { body: input, headers: idempotencyHeaders(call_) }))).schedule,
    /** One page: `{data, has_more, next_cursor, total_count, stats}`. */
    page: (query: paths['/v1/schedules']['get']['parameters']['query'] = {}) => call(http.GET('/v1/schedules', { params: { query } })),
    /** Every schedule matching the filters, page after page: `for await (const schedule of client.schedules.list())`. */
    list: (query: Omit<NonNullable<paths['/v1/schedules']['get']['parameters']['query']>, 'cursor' | 'offset'> = {}): AsyncGenerator<Schedule> =>
      everyPage(async (cursor) => {
        const page = await schedules.page({ ...query, ...(cursor ? { cursor } : {}) });
        return { data: page.data, next: page.next_cursor };
      }),
    get: async (id: string): Promise<Schedule> => (await call(http.GET('/v1/schedules/{id}', { params: path(id) }))).schedule,
    /** Changes only the fields given. */
    update: async (id: string, patch: Partial<ScheduleInput>): Promise<Schedule> =>
      (await call(http.PATCH('/v1/schedules/{id}', { params: path(id), body: patch }))).schedule,
    pause: async (id: string): Promise<Schedule> => (await call(http.POST('/v1/schedules/{id}/pause', { params: path(id) }))).schedule,
    resume: async (id: string): Promise<Schedule> => (await call(http.POST('/v1/schedules/{id}/resume', { params: path(id) }))).schedule,
    delete: async (id: string): Promise<void> => {
      await call(http.DELETE('/v1/schedules/{id}', { params: path(id) }));
    },
    /** Runs it now, the same way a scheduled run goes; answers at once with the queued run. */
    trigger: (id: string, call_?: IdempotentCall): Promise<RunStarted> =>
      call(http.POST('/v1/schedules/{id}/trigger', { params: path(id), headers: idempotencyHeaders(call_) })),
    /** The schedule's runs, newest first, page after page. */
    runs: (id: string, query: { status?: Run['status']; limit?: number } = {}): AsyncGenerator<Run> =>
      everyPage(async (cursor) => {
        const page = await call(http.GET('/v1/schedules/{id}/runs', { params: { path: { id }, query: { ...query, ...(cursor ? { cursor } : {}) } } }));
        return { data: page.data, next: page.next_cursor };
      }),
    /** Stops one of its queued or running runs; a finished one answers 409 `run_finished`. */
    cancelRun: async (id: string, runId: string): Promise<Run> =>
      (await call(http.POST('/v1/schedules/{id}/runs/{runId}/cancel', { params: { path: { id, runId } } }))).run,
    run: async (id: string, runId: string): Promise<Run> => (await call(http.GET('/v1/schedules/{id}/runs/{runId}', { params: { path: { id, runId } } }))).run,
    /** What an expression means: the EventBridge expression, a description and the next fire times. */
    preview: (input: PreviewInput): Promise<Preview> => call(http.POST('/v1/schedules/preview', { body: input })),
    /** Plain English ("weekdays at 9:30") to a cron expression, its description and next fire times. */
    textToCron: (text: string, timezone?: string): Promise<TextToCron> =>
      call(http.GET('/v1/schedules/text-to-cron', { params: { query: { cron: text, ...(timezone ? { timezone } : {}) } } })),
  };

  const runs = {
    /** A one-off run of an agent now (optionally with a `schedule` block that also creates that schedule). */
    create: (input: Record<string, unknown>, call_?: IdempotentCall): Promise<RunStarted> =>
      // Typed loosely on purpose: the API also takes its aliases (prompt, agent_id…) and seed 001's {messages} thread.
      call(http.POST('/v1/runs', { body: input as RunInput, headers: idempotencyHeaders(call_) })),
    get: async (id: string): Promise<Run> => (await call(http.GET('/v1/runs/{id}', { params: path(id) }))).run,
    /** Stops a queued or running run; a finished one answers 409 `run_finished`. */
    cancel: async (id: string): Promise<Run> => (await call(http.POST('/v1/runs/{id}/cancel', { params: path(id) }))).run,
  };

  const batches = {
    create: async (input: BatchInput, call_?: IdempotentCall): Promise<Batch> =>
      (await call(http.POST('/v1/batches', { body: input, headers: idempotencyHeaders(call_) }))).batch,
    list: (query: { status?: Batch['status']; scheduleId?: string; limit?: number } = {}): AsyncGenerator<Batch> =>
      everyPage(async (cursor) => {
        const page = await call(http.GET('/v1/batches', { params: { query: { ...query, ...(cursor ? { cursor } : {}) } } }));
        return { data: page.data, next: page.next_cursor };
      }),
    get: async (id: string): Promise<Batch> => (await call(http.GET('/v1/batches/{id}', { params: path(id) }))).batch,
    items: (id: string, query: { status?: BatchItem['status']; limit?: number } = {}): AsyncGenerator<BatchItem> =>
      everyPage(async (after) => {
        const page = await call(
          http.GET('/v1/batches/{id}/items', { params: { path: { id }, query: { ...query, ...(after ? { after: Number(after) } : {}) } } }),
        );
        return { data: page.data, next: page.next_after === null ? null : String(page.next_after) };
      }),
    append: async (id: string, items: unknown[]): Promise<Batch> =>
      (await call(http.POST('/v1/batches/{id}/items', { params: path(id), body: { items: items as BatchItemsInput['items'] } }))).batch,
    start: async (id: string): Promise<Batch> => (await call(http.POST('/v1/batches/{id}/start', { params: path(id) }))).batch,
    cancel: async (id: string): Promise<Batch> => (await call(http.POST('/v1/batches/{id}/cancel', { params: path(id) }))).batch,
    retry: async (id: string): Promise<Batch> => (await call(http.POST('/v1/batches/{id}/retry', { params: path(id) }))).batch,
    update: async (id: string, patch: { maxConcurrency: number }): Promise<Batch> =>
      (await call(http.PATCH('/v1/batches/{id}', { params: path(id), body: patch }))).batch,
  };

  const agents = {
    create: async (input: AgentInput): Promise<Agent> => (await call(http.POST('/v1/agents', { body: input }))).agent,
    /** Every agent, page after page. */
    list: async (): Promise<Agent[]> => {
      const all: Agent[] = [];
      const pages = everyPage(async (cursor) => {
        const page = await call(http.GET('/v1/agents', { params: { query: cursor ? { cursor } : {} } }));
        return { data: page.data, next: page.next_cursor };
      });
      for await (const agent of pages) all.push(agent);
      return all;
    },
    get: async (id: string): Promise<Agent> => (await call(http.GET('/v1/agents/{id}', { params: path(id) }))).agent,
    update: async (id: string, patch: Partial<AgentInput>): Promise<Agent> =>
      (await call(http.PATCH('/v1/agents/{id}', { params: path(id), body: patch }))).agent,
    delete: async (id: string): Promise<void> => {
      await call(http.DELETE('/v1/agents/{id}', { params: path(id) }));
    },
  };

  /** Admin only: call with the deployment's admin key. */
  const apiKeys = {
    create: (input: { tenantId: string; userId: string; teamId?: string; name: string }): Promise<IssuedApiKey> =>
      call(http.POST('/v1/admin/api-keys', { body: input })),
    revoke: async (keyId: string): Promise<void> => {
      await call(http.DELETE('/v1/admin/api-keys/{keyId}', { params: { path: { keyId } } }));
    },
  };

  return {
    schedules,
    runs,
    batches,
    agents,
    apiKeys,
    /** Whether the API and its storage answer. */
    health: () => call(http.GET('/health', {})),
    /** The underlying openapi-fetch client, typed by path, for anything the methods above do not cover. */
    http,
  };
}

export type AgentSchedulesClient = ReturnType<typeof createClient>;

/** A run that has ended (succeeded, failed, timed_out, skipped, cancelled): nothing about it changes any more. */
export const isFinalRun = (status: Run['status']): boolean => status !== 'queued' && status !== 'running';

/** The first `limit` items of a list, fetching pages only as far as needed. */
export async function take<T>(items: AsyncIterable<T>, limit: number): Promise<T[]> {
  const found: T[] = [];
  if (limit <= 0) return found;
  for await (const item of items) {
    found.push(item);
    if (found.length >= limit) break;
  }
  return found;
}

/** True when `error` is the SDK's error with this code (e.g. `isApiError(error, 'not_found')`). */
export function isApiError(error: unknown, code?: string): error is AgentSchedulesError {
  return error instanceof AgentSchedulesError && (code === undefined || error.code === code);
}
