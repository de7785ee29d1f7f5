// Secret references: how an agent names the secret it is called with, and which references a tenant may use.
//
// A tenant can reach only its own secrets: `secret:NAME` (stored with PUT /v1/secrets/NAME), a Secrets Manager ARN
// under `<prefix><tenant>/`, or — on the local server only — `env:NAME` for a variable the operator allow-listed.

/** Names of tenant secrets: what PUT /v1/secrets/{name} takes and `secret:NAME` references. */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export type SecretRef = { kind: 'tenant'; name: string } | { kind: 'arn'; arn: string; secretName: string } | { kind: 'env'; name: string };

export interface SecretPolicy {
  /** Secrets Manager name prefix of the deployment's agent secrets; a tenant's live under `<prefix><tenantId>/`. */
  readonly secretsPrefix: string;
  /** Environment variables an operator allow-listed for `env:NAME` references (the local server only). */
  readonly envNames: readonly string[];
}

const ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:([A-Za-z0-9/_+=.@-]+)$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads a reference's form; undefined when it is none of the three. */
export function parseSecretRef(reference: string): SecretRef | undefined {
  if (reference.startsWith('secret:')) {
    const name = reference.slice('secret:'.length);
    return SECRET_NAME_PATTERN.test(name) ? { kind: 'tenant', name } : undefined;
  }
  if (reference.startsWith('env:')) {
    const name = reference.slice('env:'.length);
    return ENV_NAME.test(name) ? { kind: 'env', name } : undefined;
  }
  const arn = ARN.exec(reference);
  // Secrets Manager appends "-" and 6 random characters to a secret's name in its ARN; a partial ARN has none.
  return arn ? { kind: 'arn', arn: reference, secretName: arn[1]!.replace(/-[A-Za-z0-9]{6}$/, '') } : undefined;
}

/** The Secrets Manager name of a tenant's secret. */
export function tenantSecretName(policy: Pick<SecretPolicy, 'secretsPrefix'>, tenantId: string, name: string): string {
  return `${policy.secretsPrefix}${tenantId}/${name}`;
}

/**
 * Why a tenant may not use this reference, or undefined when it may. Checked when an agent is saved (a 400) and
 * again by the runner before it reads anything (agents saved before a policy change are refused at run time).
 */
export function secretRefProblem(reference: string, tenantId: string, policy: SecretPolicy): string | undefined {
  const ref = parseSecretRef(reference);
  if (!ref) {
    return 'a secret reference is secret:NAME (a secret stored with PUT /v1/secrets/NAME), a Secrets Manager ARN of one of your secrets, or env:NAME on the local server';
  }
  if (ref.kind === 'tenant') return undefined;
  if (ref.kind === 'arn') {
    const own = `${policy.secretsPrefix}${tenantId}/`;
    return ref.secretName.startsWith(own) && ref.secretName.length > own.length
      ? undefined
      : `this Secrets Manager secret is not one of this tenant's: its name must start with "${own}" (or store it with PUT /v1/secrets/{name} and use secret:NAME)`;
  }
  // AWS_* holds the function role's credentials: never, whatever an allow-list says.
  return policy.envNames.includes(ref.name) && !/^AWS_/.test(ref.name)
    ? undefined
    : `env:${ref.name} is not a variable the operator allow-listed for agents (AGENT_SECRET_ENV_NAMES); store the value with PUT /v1/secrets/{name} and use secret:NAME`;
}
