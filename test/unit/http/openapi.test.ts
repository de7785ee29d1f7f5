// The OpenAPI document's operations and views: one user-named operation per route, and views that fit what the presenters answer.
import { describe, expect, it } from 'vitest';
import type { Agent } from '#shared/domain/agent.ts';
import type { Settings } from '#shared/config.ts';
import { AgentView, presentAgent } from '#shared/http/agents.ts';
import { IssuedApiKey } from '#shared/http/api-keys.ts';
import { openApiDocument } from '#shared/http/openapi.ts';
import { presentPreview, presentTextToCron, PreviewView, TextToCronView } from '#shared/http/preview.ts';
import { AGENT_MANAGER_PREFIX, ROUTES } from '#shared/routes.ts';
import { createApiKey } from '#shared/use-cases/api-keys.ts';
import { previewSchedule, textToCronPreview } from '#shared/use-cases/preview-schedule.ts';

const NOW = new Date('2026-11-20T00:00:00Z');
const previewDeps = { clock: { now: () => NOW }, settings: { minIntervalMinutes: 1 } as Settings };

describe('operations', () => {
  it('names each route’s operation once, the Agent Manager aliases after their /v1 route', () => {
    const names = ROUTES.map((route) => route.operation);
    expect(new Set(names).size).toBe(names.length);
    for (const route of ROUTES.filter((each) => each.path.startsWith(`${AGENT_MANAGER_PREFIX}/`))) {
      const native = ROUTES.find((each) => each.method === route.method && each.path === route.path.slice(AGENT_MANAGER_PREFIX.length));
      expect(route.operation).toBe(`${native!.operation}AgentManager`);
    }
  });

  it('puts each route in the document under its operation name', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, { operationId?: string }>>;
    for (const route of ROUTES) expect(paths[route.path]?.[route.method.toLowerCase()]?.operationId).toBe(route.operation);
  });
});

describe('views', () => {
  it('IssuedApiKey is what POST /v1/admin/api-keys answers', async () => {
    const deps = {
      keys: { create: async () => {} } as never,
      clock: { now: () => NOW },
      ids: { newId: (prefix: string) => `${prefix}_x`, token: (n: number) => 'a'.repeat(n) },
    };
    const issued = await createApiKey(deps, { tenantId: 'acme', userId: 'u1', name: 'CI' });
    expect(IssuedApiKey.safeParse(issued).success).toBe(true);
    expect(issued.teamId).toBeNull();
  });

  it('Agent is what the agent routes answer, for each kind', () => {
    const stored = { tenantId: 't1', createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(), version: 3 };
    const agents = [
      { ...stored, id: 'web', name: 'Web', kind: 'http', url: 'https://agent.example.com/run', headers: { 'x-team': 'ops' } },
      { ...stored, id: 'shell', name: 'Shell', kind: 'command', command: 'node', args: ['agent.js'], description: null },
      { ...stored, id: 'kb', name: 'KB', kind: 'bedrock-agent', bedrockAgentId: 'ABC', aliasId: 'TSTALIASID' },
    ] as Agent[];
    for (const agent of agents) {
      const view = presentAgent(agent);
      expect(AgentView.safeParse(view).error, agent.kind).toBeUndefined();
      expect(view).not.toHaveProperty('tenantId');
    }
  });

  it('TextToCron and Preview are what text-to-cron and preview answer (a rate preview too)', () => {
    const text = presentTextToCron(textToCronPreview(previewDeps, { cron: 'weekdays at 9:30' }));
    expect(TextToCronView.safeParse(text).error).toBeUndefined();
    expect(text).toMatchObject({ data: '30 9 * * 1-5', cronExpression: '30 9 * * 1-5' });
    for (const params of [{ cronExpression: '0 9 * * *' }, { rate: '90 minutes' }, { scheduledTime: '2026-12-01T10:00:00Z' }]) {
      expect(PreviewView.safeParse(presentPreview(previewSchedule(previewDeps, params))).error, JSON.stringify(params)).toBeUndefined();
    }
  });
});
