// Which price applies to a model id.
//
// Order, for the exact id first and then for its base id (a dated snapshot such as
// "gpt-4o-2024-08-06" → "gpt-4o"):  admin override  >  our table  >  catalogue.
// The exact id is tried in all three sources before the base id, so a snapshot with a price of its
// own (e.g. "gpt-4o-2024-05-13", a catalogue entry of its own at $5 / $15) is never priced as its
// base, while an override of a base id ("gpt-4o") also reprices its snapshots that have no entry
// of their own, and a snapshot no source lists ("gpt-4.1-2026-01-01") is priced as its base.
import { catalogueLookup } from "./catalogue";
import { UnknownModelError } from "./errors";
import { OWN_PRICES } from "./own-prices";
import { parseModelPriceOverrides, type ModelPrice } from "./prices";

export type PriceSource = "override" | "table" | "catalogue";

export interface ResolvedPrice {
  /** The model id as asked for. */
  model: string;
  /**
   * The id whose price was used: the model itself, or its base id for a dated snapshot; for a
   * catalogue price, the catalogue entry whose match rule took the id (e.g. "gpt-5-mini" for
   * "gpt-5-mini-2025-08-07", which the catalogue lists under it).
   */
  pricedAs: string;
  source: PriceSource;
  price: ModelPrice;
}

const DATED_SNAPSHOT = /^(.+)-\d{4}-\d{2}-\d{2}$/;

/**
 * The base id of a dated snapshot ("gpt-5-mini-2025-08-07" → "gpt-5-mini"), or null when the id
 * carries no `-YYYY-MM-DD` suffix. Only this explicit form is recognised: legacy suffixes such as
 * "-0613" or "-1106-preview" named differently priced models and are not folded into a base id.
 */
export function baseModelId(model: string): string | null {
  return DATED_SNAPSHOT.exec(model)?.[1] ?? null;
}

/** The ids tried for a model, most specific first. */
export function candidateIds(model: string): string[] {
  const base = baseModelId(model);
  return base ? [model, base] : [model];
}

/**
 * The price of `model`: admin override (the pricing version's `modelPriceOverrides`, validated with
 * modelPriceOverridesSchema) > our own table > the @pydantic/genai-prices catalogue (its price in
 * effect at `at`, default now), exact id before base id. Throws UnknownModelError when none has it,
 * InvalidPriceOverridesError for a malformed overrides object, InvalidPriceError for a catalogue
 * entry that cannot be converted exactly.
 */
export function resolvePrice(model: string, overrides?: unknown, at?: Date): ResolvedPrice {
  if (typeof model !== "string" || model.length === 0) throw new UnknownModelError(String(model), [String(model)]);
  const parsedOverrides = parseModelPriceOverrides(overrides);
  const tried = candidateIds(model);
  for (const id of tried) {
    const override = Object.hasOwn(parsedOverrides, id) ? parsedOverrides[id] : undefined;
    if (override) return { model, pricedAs: id, source: "override", price: override };
    const own = Object.hasOwn(OWN_PRICES, id) ? OWN_PRICES[id] : undefined;
    if (own) return { model, pricedAs: id, source: "table", price: own };
    const catalogue = catalogueLookup(id, at);
    if (catalogue) {
      // An override of the catalogue entry ("gpt-5-mini") covers the ids the catalogue lists under
      // it ("gpt-5-mini-2025-08-07", what the API answers with), as it covers dated snapshots.
      const entryOverride = Object.hasOwn(parsedOverrides, catalogue.entryId)
        ? parsedOverrides[catalogue.entryId]
        : undefined;
      if (entryOverride) return { model, pricedAs: catalogue.entryId, source: "override", price: entryOverride };
      return { model, pricedAs: catalogue.entryId, source: "catalogue", price: catalogue.price };
    }
  }
  throw new UnknownModelError(model, tried);
}
