// The composition root's base: configuration, the clock and the local server's overrides, built once per container.
import { settingsFromEnv, type Settings } from '../config.ts';
import type { AgentRunner } from '../ports/agent-runner.ts';
import { systemClock } from '../adapters/system/clock.ts';
import type { Clock } from '../ports/clock.ts';
import type { RunDispatcher } from '../ports/run-dispatcher.ts';
import type { SchedulerMirror } from '../ports/scheduler-mirror.ts';
import type { SecretVault } from '../ports/secret-vault.ts';

export interface Overrides {
  mirror?: SchedulerMirror;
  clock?: Clock;
  dispatcher?: RunDispatcher;
  agentRunner?: AgentRunner;
  /** Tenants' agent secrets (the local server keeps them in DATA_DIR). */
  vault?: SecretVault;
  /** Wraps each AWS SDK client as it is built (the runner's X-Ray capture); none by default. */
  instrument?: <T>(client: T) => T;
  /** Agent-call options the local server relaxes (loopback targets, command agents). */
  agentOptions?: { allowLoopback?: boolean; allowCommands?: boolean; allowPrivateTargets?: boolean };
}

export const overrides: Overrides = {};
const cache = new Map<string, unknown>();

/** Builds a value once per container; a promise that rejects (a secret read that failed) is forgotten, so the next call retries. */
export function once<T>(key: string, make: () => T): T {
  if (!cache.has(key)) {
    const value = make();
    cache.set(key, value);
    if (value instanceof Promise) value.catch(() => cache.get(key) === value && cache.delete(key));
  }
  return cache.get(key) as T;
}

/** For the local server and tests: replace adapters before the first request. */
export function overrideRuntime(next: Overrides): void {
  Object.assign(overrides, next);
}

/** Forgets built adapters and overrides (the local server calls it before wiring its own). */
export function resetRuntime(): void {
  cache.clear();
  for (const key of Object.keys(overrides) as (keyof Overrides)[]) delete overrides[key];
}

export const settings = (): Settings => once('settings', () => settingsFromEnv());
export const clock = (): Clock => overrides.clock ?? systemClock;

/** Dependencies of the routes that only compute (preview, text-to-cron): the clock and the settings. */
export async function previewDeps(): Promise<{ clock: Clock; settings: Settings }> {
  return { clock: clock(), settings: settings() };
}
