// What clients see of a run: the Run view (also the OpenAPI component) and its presenter.
import { z } from 'zod';
import type { Run } from '../domain/run.ts';

export const RunView = z
  .object({
    id: z.string(),
    object: z.literal('run'),
    scheduleId: z.string().nullable(),
    trigger: z.enum(['schedule', 'manual', 'api']),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'timed_out', 'skipped']),
    reason: z.string().nullable().meta({ description: 'Why a run was skipped: disabled, ended, not_started, overlap, budget, deleted.' }),
    scheduledTime: z.string().nullable(),
    queuedAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    output: z.string().nullable().meta({ description: 'The agent output, at most 64 KiB.' }),
    truncated: z.boolean(),
    error: z.object({ message: z.string(), kind: z.string() }).nullable(),
    usage: z.object({ inputTokens: z.number().optional(), outputTokens: z.number().optional(), totalTokens: z.number().optional() }).nullable(),
    agentId: z.string().nullable(),
    attempt: z.number().int(),
  })
  .meta({ id: 'Run' });

export type RunViewShape = z.infer<typeof RunView>;

export function presentRun(run: Run): RunViewShape {
  return {
    id: run.id,
    object: 'run',
    scheduleId: run.scheduleId,
    trigger: run.trigger,
    status: run.status,
    reason: run.reason,
    scheduledTime: run.scheduledTime,
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.durationMs,
    output: run.output,
    truncated: run.truncated,
    error: run.error,
    usage: run.usage,
    agentId: run.agentId,
    attempt: run.attempt,
  };
}
