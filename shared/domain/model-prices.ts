// What a run's tokens cost: a per-model price table (USD per million tokens). The deployment may replace or extend it
// (MODEL_PRICES); the defaults are the providers' published on-demand list prices as this table was dated.

export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

export type ModelPrices = Readonly<Record<string, ModelPrice>>;

/** When the defaults below were taken from the providers' price pages; check them before relying on actualUsd. */
export const DEFAULT_MODEL_PRICES_DATE = '2025-06-01';

/**
 * Keys match a model id by inclusion, longest key first: "anthropic.claude-3-5-haiku" prices
 * "us.anthropic.claude-3-5-haiku-20241022-v1:0" (a Bedrock inference profile) too.
 */
export const DEFAULT_MODEL_PRICES: ModelPrices = {
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10 },
  'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8 },
  'o4-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  'anthropic.claude-3-5-sonnet': { inputPerMillion: 3, outputPerMillion: 15 },
  'anthropic.claude-3-7-sonnet': { inputPerMillion: 3, outputPerMillion: 15 },
  'anthropic.claude-sonnet-4': { inputPerMillion: 3, outputPerMillion: 15 },
  'anthropic.claude-3-5-haiku': { inputPerMillion: 0.8, outputPerMillion: 4 },
  'anthropic.claude-3-haiku': { inputPerMillion: 0.25, outputPerMillion: 1.25 },
  'amazon.nova-pro': { inputPerMillion: 0.8, outputPerMillion: 3.2 },
  'amazon.nova-lite': { inputPerMillion: 0.06, outputPerMillion: 0.24 },
  'amazon.nova-micro': { inputPerMillion: 0.035, outputPerMillion: 0.14 },
};

/** The price of a model id: the longest key it contains; undefined when none (its runs' cost is unknown). */
export function priceOf(prices: ModelPrices, model: string | null): ModelPrice | undefined {
  if (!model) return undefined;
  const key = Object.keys(prices)
    .filter((candidate) => model.includes(candidate))
    .sort((a, b) => b.length - a.length)[0];
  return key === undefined ? undefined : prices[key];
}

/** USD for the tokens a run reported; null when it reported none or the model has no price. */
export function costOf(prices: ModelPrices, model: string | null, usage: { inputTokens?: number; outputTokens?: number } | null): number | null {
  const price = priceOf(prices, model);
  if (!price || !usage || (usage.inputTokens === undefined && usage.outputTokens === undefined)) return null;
  return ((usage.inputTokens ?? 0) * price.inputPerMillion + (usage.outputTokens ?? 0) * price.outputPerMillion) / 1_000_000;
}

/**
 * The deployment's table: the defaults with MODEL_PRICES (JSON `{"model-id": {"inputPerMillion": n, "outputPerMillion": n}}`)
 * laid over them; a key of its own adds a model, a default's key replaces its price. Throws, naming the key, on a
 * malformed entry, so a bad deployment setting fails loudly instead of pricing runs wrong.
 */
export function modelPricesFrom(json: string | undefined, defaults: ModelPrices = DEFAULT_MODEL_PRICES): ModelPrices {
  if (!json) return defaults;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('MODEL_PRICES must be JSON such as {"my-model": {"inputPerMillion": 1, "outputPerMillion": 4}}.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('MODEL_PRICES must be a JSON object keyed by model id.');
  const table: Record<string, ModelPrice> = { ...defaults };
  for (const [model, price] of Object.entries(parsed as Record<string, unknown>)) {
    const { inputPerMillion, outputPerMillion } = (price ?? {}) as Partial<ModelPrice>;
    const valid = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
    if (!model || !valid(inputPerMillion) || !valid(outputPerMillion)) {
      throw new Error(`MODEL_PRICES["${model}"] must be {"inputPerMillion": n, "outputPerMillion": n} with numbers ≥ 0 (USD per million tokens).`);
    }
    table[model] = { inputPerMillion, outputPerMillion };
  }
  return table;
}
