// The price table batches reckon actualUsd with: a model id priced by the longest key it contains, the deployment's
// MODEL_PRICES laid over the dated defaults, and a malformed setting refused naming the model.
import { describe, expect, it } from 'vitest';
import { costOf, DEFAULT_MODEL_PRICES, modelPricesFrom, priceOf } from '#shared/domain/model-prices.ts';

describe('model prices', () => {
  it('prices a Bedrock inference profile and a dated OpenAI id by the longest key they contain', () => {
    expect(priceOf(DEFAULT_MODEL_PRICES, 'us.anthropic.claude-3-5-haiku-20241022-v1:0')).toEqual({ inputPerMillion: 0.8, outputPerMillion: 4 });
    // "gpt-4o-mini" wins over "gpt-4o".
    expect(priceOf(DEFAULT_MODEL_PRICES, 'gpt-4o-mini-2024-07-18')).toEqual({ inputPerMillion: 0.15, outputPerMillion: 0.6 });
    expect(priceOf(DEFAULT_MODEL_PRICES, 'my-own-model')).toBeUndefined();
    expect(priceOf(DEFAULT_MODEL_PRICES, null)).toBeUndefined();
  });

  it('costs the tokens a run reported; nothing when it reported none or the model has no price', () => {
    expect(costOf(DEFAULT_MODEL_PRICES, 'gpt-4o', { inputTokens: 1_000_000, outputTokens: 500_000 })).toBeCloseTo(7.5);
    expect(costOf(DEFAULT_MODEL_PRICES, 'gpt-4o', null)).toBeNull();
    expect(costOf(DEFAULT_MODEL_PRICES, 'gpt-4o', {})).toBeNull();
    expect(costOf(DEFAULT_MODEL_PRICES, 'unknown-model', { inputTokens: 10 })).toBeNull();
  });

  it("lays the deployment's table over the defaults, and refuses a malformed one naming the model", () => {
    const table = modelPricesFrom('{"my-own-model": {"inputPerMillion": 1, "outputPerMillion": 2}, "gpt-4o": {"inputPerMillion": 2, "outputPerMillion": 8}}');
    expect(priceOf(table, 'my-own-model-v2')).toEqual({ inputPerMillion: 1, outputPerMillion: 2 });
    expect(priceOf(table, 'gpt-4o')).toEqual({ inputPerMillion: 2, outputPerMillion: 8 });
    expect(priceOf(table, 'gpt-4.1-mini')).toEqual(DEFAULT_MODEL_PRICES['gpt-4.1-mini']);
    expect(modelPricesFrom(undefined)).toBe(DEFAULT_MODEL_PRICES);
    expect(() => modelPricesFrom('{"m": {"inputPerMillion": -1, "outputPerMillion": 2}}')).toThrow(/MODEL_PRICES\["m"\]/);
    expect(() => modelPricesFrom('not json')).toThrow(/must be JSON/);
    expect(() => modelPricesFrom('[1]')).toThrow(/JSON object keyed by model id/);
  });
});
