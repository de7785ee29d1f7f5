// Resolves an agent's secretRef for one tenant: only that tenant's secrets, and env:NAME only when allow-listed.
import { parseSecretRef, secretRefProblem, type SecretPolicy } from '../../domain/secret-ref.ts';
import type { SecretVault } from '../../ports/secret-vault.ts';
import { readSecret } from './secrets.ts';

export interface AgentSecretReaderOptions {
  vault: SecretVault;
  policy: SecretPolicy;
  /** Where env:NAME references are read; only allow-listed names ever are. */
  env?: NodeJS.ProcessEnv;
  /** Reads a Secrets Manager secret by ARN (tests replace it). */
  readArn?: (arn: string) => Promise<string>;
}

export class AgentSecretReader {
  readonly #options: AgentSecretReaderOptions;

  constructor(options: AgentSecretReaderOptions) {
    this.#options = options;
  }

  /** The secret's value; throws an Error whose message names the reference (never a value) when it may not or cannot be read. */
  async read(tenantId: string, reference: string): Promise<string> {
    const problem = secretRefProblem(reference, tenantId, this.#options.policy);
    if (problem) throw new Error(`refused: ${problem}.`);
    const ref = parseSecretRef(reference)!;
    if (ref.kind === 'tenant') {
      const value = await this.#options.vault.read(tenantId, ref.name);
      if (value === undefined) throw new Error(`there is no secret named "${ref.name}"; store it with PUT /v1/secrets/${ref.name}.`);
      return value;
    }
    if (ref.kind === 'arn') return (this.#options.readArn ?? readSecret)(ref.arn);
    const value = (this.#options.env ?? process.env)[ref.name];
    if (value === undefined) throw new Error(`environment variable ${ref.name} is not set.`);
    return value;
  }
}
