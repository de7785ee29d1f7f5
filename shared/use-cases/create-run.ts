// POST /v1/runs (and the seed's POST /v1/threads): run an agent once now; with a `schedule` block, also create that schedule.
import { z } from 'zod';
import { maxChars, minChars } from '../domain/length-checks.ts';
import { ValidationError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import type { Run } from '../domain/run.ts';
import { normalizeAliases, parseScheduleInput, storableMetadata, toValidationError, type Schedule } from '../domain/schedule.ts';
import { createSchedule } from './create-schedule.ts';
import { assertAgentExists } from './schedule-checks.ts';
import { type ScheduleDeps } from './schedule-deps.ts';
import { enqueueRun, queuedRun, type TriggerDeps } from './trigger-schedule.ts';

const RunBody = z
  .object({
    task: z.string().check(minChars(1, 'task is required: what the agent should do')).refine((value) => Buffer.byteLength(value) <= 32 * 1024, 'task must be at most 32 KiB'),
    agentId: z.string().check(maxChars(64)).nullable().optional(),
    environmentId: z.string().check(maxChars(128)).nullable().optional(),
    metadata: storableMetadata().nullable().optional(),
    schedule: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .meta({ id: 'RunInput' });

/** Seed 001's thread shape: the last user message is the task; `schedule.type` is the scheduleType. */
function fromThreadShape(raw: Record<string, unknown>): Record<string, unknown> {
  const { messages, ...rest } = raw;
  if (!Array.isArray(messages)) return raw;
  const last = [...messages].reverse().find((message) => message && typeof message === 'object' && (message as { role?: unknown }).role === 'user') as { content?: unknown } | undefined;
  if (!last || typeof last.content !== 'string') throw new ValidationError('messages needs a user message with text content.', { field: 'messages' });
  return { ...rest, task: last.content };
}

export async function createRun(deps: TriggerDeps & ScheduleDeps, principal: TenantPrincipal, raw: unknown): Promise<{ run: Run; schedule: Schedule | null }> {
  const { body } = normalizeAliases(raw);
  const parsed = RunBody.safeParse(fromThreadShape(body));
  if (!parsed.success) throw toValidationError(parsed.error);
  const input = parsed.data;
  await assertAgentExists(deps, principal.tenantId, input.agentId);

  let schedule: Schedule | null = null;
  if (input.schedule) {
    // The schedule inherits the run's task and agent unless it names its own.
    const { type, ...scheduleFields } = input.schedule;
    const scheduleInput = parseScheduleInput({ task: input.task, ...(input.agentId ? { agentId: input.agentId } : {}), ...(type !== undefined ? { scheduleType: type } : {}), ...scheduleFields }).input;
    schedule = (await createSchedule(deps, principal, scheduleInput)).schedule;
  }

  const run = await enqueueRun(
    deps,
    queuedRun(deps, {
      tenantId: principal.tenantId,
      scheduleId: null,
      userId: principal.userId,
      trigger: 'api',
      agentId: input.agentId ?? deps.settings.defaultAgentId ?? null,
      task: input.task,
      metadata: input.metadata ?? null,
    }),
  );
  return { run, schedule };
}
