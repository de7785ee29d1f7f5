// Where the CLI finds the API: environment variables first, then a named profile in a 0600 file the user owns.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Profile {
  url?: string;
  apiKey?: string;
  /** The deployment's admin key, for `keys create|revoke` only. */
  adminKey?: string;
}

interface ConfigFile {
  profiles: Record<string, Profile>;
}

/** The environment variables the CLI reads (they win over the profile file). */
export const ENV_NAMES = {
  url: 'AGENT_SCHEDULES_URL',
  apiKey: 'AGENT_SCHEDULES_API_KEY',
  adminKey: 'AGENT_SCHEDULES_ADMIN_KEY',
  profile: 'AGENT_SCHEDULES_PROFILE',
  config: 'AGENT_SCHEDULES_CONFIG',
} as const;

/** The profile file: $AGENT_SCHEDULES_CONFIG, else $XDG_CONFIG_HOME/agent-schedules/config.json, else ~/.config/…. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env[ENV_NAMES.config]) return env[ENV_NAMES.config]!;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'agent-schedules', 'config.json');
}

/** A configuration problem (no URL, no key, an unreadable file): exit code 3. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

function readConfig(path: string, warn: (line: string) => void): ConfigFile {
  if (!existsSync(path)) return { profiles: {} };
  // Like ssh with a private key: say so when others may read the keys.
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) warn(`warning: ${path} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${path}`);
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ConfigFile>;
    return { profiles: parsed.profiles && typeof parsed.profiles === 'object' ? parsed.profiles : {} };
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}.`, `Fix or delete it, then run: agent-schedules configure --url URL`);
  }
}

/** Saves one profile (merged with what it had), in a file only its owner can read. */
export function saveProfile(name: string, profile: Profile, env: NodeJS.ProcessEnv = process.env): string {
  const path = configPath(env);
  const config = readConfig(path, () => undefined);
  config.profiles[name] = { ...config.profiles[name], ...profile };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

/** The profile in use: the file's named profile, with each value the environment sets laid over it. */
export function resolveProfile(
  name: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = () => undefined,
): Profile & { name: string } {
  const chosen = name ?? env[ENV_NAMES.profile] ?? 'default';
  const path = configPath(env);
  const stored = readConfig(path, warn).profiles[chosen];
  if (name !== undefined && !stored) {
    throw new ConfigError(`No profile "${chosen}" in ${path}.`, `Create it: agent-schedules configure --profile ${chosen} --url URL`);
  }
  return {
    name: chosen,
    ...stored,
    ...(env[ENV_NAMES.url] ? { url: env[ENV_NAMES.url] } : {}),
    ...(env[ENV_NAMES.apiKey] ? { apiKey: env[ENV_NAMES.apiKey] } : {}),
    ...(env[ENV_NAMES.adminKey] ? { adminKey: env[ENV_NAMES.adminKey] } : {}),
  };
}

/** The URL and the key a command needs, or a ConfigError that says how to set them. */
export function credentials(profile: Profile & { name: string }, key: 'apiKey' | 'adminKey'): { url: string; key: string } {
  if (!profile.url) {
    throw new ConfigError(
      'No API URL is configured.',
      `Run: agent-schedules configure --url https://…/ (the stack output ApiUrl, or http://localhost:3000 for npm start), or set ${ENV_NAMES.url}.`,
    );
  }
  const value = profile[key];
  if (!value) {
    const flag = key === 'adminKey' ? ' --admin' : '';
    throw new ConfigError(
      key === 'adminKey' ? 'No admin key is configured; key management needs the deployment admin key.' : 'No API key is configured.',
      `Run: agent-schedules configure${flag}${profile.name === 'default' ? '' : ` --profile ${profile.name}`} (reads the key from stdin), or set ${ENV_NAMES[key]}.`,
    );
  }
  return { url: profile.url, key: value };
}
