// Model prices from the maintained catalogue: @pydantic/genai-prices, its bundled data for the
// OpenAI provider (the app calls OpenAI or an OpenAI-compatible server under OpenAI's model ids).
// The data is the package's own, pinned by package-lock.json: prices change only with a commit that
// upgrades the package (and CATALOGUE below), or with a saved admin pricing version. The package's
// remote update (updatePrices / waitForUpdate) and its float calculator (calcPrice) are never used:
// eslint refuses importing them (eslint.config.mjs), and nothing here fetches.
//
// Exactness: the package holds each price as a JavaScript number parsed from a decimal literal of
// its data. decimalTextOf (money.ts) recovers that literal exactly (shortest round-trip text, at most
// 15 significant digits) and decimalToMicroUsd turns the text into integer µ$ with BigInt digits,
// never multiplying a float. catalogue.test.ts checks this against the literals of the package's
// data file itself.
//
// What an entry becomes, and what is refused: catalogue-convert.ts.
// Dated price changes (a "start_date" constraint) are honoured: the price is the one in effect at
// the time asked for (now, by default).
import { findProvider, type MatchLogic, type ModelInfo, type ModelPrice as SourcePrice } from "@pydantic/genai-prices";
import { convertCataloguePrice } from "./catalogue-convert";
import { CATALOGUE, CATALOGUE_NAME } from "./catalogue-version";
import { InvalidPriceError } from "./money";
import type { ModelPrice } from "./prices";

export { CATALOGUE, CATALOGUE_NAME, CATALOGUE_VERSION } from "./catalogue-version";

const provider = findProvider({ providerId: CATALOGUE.provider });
if (!provider) throw new Error(`${CATALOGUE.package} has no "${CATALOGUE.provider}" provider`);
const sourceModels: readonly ModelInfo[] = provider.models;

/** The package's match rules, applied as the package applies them (case-insensitive but for regexes). */
function matches(logic: MatchLogic, id: string): boolean {
  if ("or" in logic) return logic.or.some((clause) => matches(clause, id));
  if ("and" in logic) return logic.and.every((clause) => matches(clause, id));
  const text = id.toLowerCase();
  if ("equals" in logic) return text === logic.equals.toLowerCase();
  if ("starts_with" in logic) return text.startsWith(logic.starts_with.toLowerCase());
  if ("ends_with" in logic) return text.endsWith(logic.ends_with.toLowerCase());
  if ("contains" in logic) return text.includes(logic.contains.toLowerCase());
  if ("regex" in logic) return new RegExp(logic.regex).test(id); // case-sensitive, as the package
  return false;
}

// The catalogue is the package's data, fixed for the process, so a model id's entry is too: it is
// looked up once. Scanning every entry's rules (lower-casing the id, building regexes) on each call
// was the largest allocation of a metered call (~30 KB) and most of its price lookup's CPU. Bounded:
// the ids are a few models, but one may come from a provider's answer.
const ENTRY_CACHE_MAX = 1_000;
const entries = new Map<string, ModelInfo | null>();

/** The catalogue's entry for a model id: the first whose match rule takes the id, as the package does. */
export function catalogueEntry(modelId: string): ModelInfo | null {
  const known = entries.get(modelId);
  if (known !== undefined) return known;
  const entry = sourceModels.find((model) => matches(model.match, modelId)) ?? null;
  if (entries.size >= ENTRY_CACHE_MAX) entries.clear();
  entries.set(modelId, entry);
  return entry;
}

/** One dated price of a catalogue entry: `from` absent = since the start. */
export interface CatalogueDatedPrice {
  from?: string;
  price: SourcePrice;
}

/** Every price an entry has had or will have, oldest first. */
export function datedPrices(entry: ModelInfo): CatalogueDatedPrice[] {
  if (!Array.isArray(entry.prices)) return [{ price: entry.prices }];
  return entry.prices.map((conditional) => {
    const constraint = conditional.constraint;
    if (constraint === undefined) return { price: conditional.prices };
    if (constraint.type !== "start_date") {
      throw new InvalidPriceError(
        `${CATALOGUE_NAME}: "${entry.id}" has a time-of-day price, which this engine does not bill`,
      );
    }
    return { from: constraint.start_date, price: conditional.prices };
  });
}

/** The dated price in effect at `at`: the last one whose start date has come (the package's rule). */
function activePrice(entry: ModelInfo, at: Date): CatalogueDatedPrice {
  const prices = datedPrices(entry);
  for (let i = prices.length - 1; i >= 0; i--) {
    const dated = prices[i]!;
    if (dated.from === undefined || at.getTime() >= new Date(dated.from).getTime()) return dated;
  }
  throw new InvalidPriceError(`${CATALOGUE_NAME}: "${entry.id}" has no price before ${prices[0]?.from}`);
}

// ── Lookup ──────────────────────────────────────────────────────────────────────────────────────

const converted = new WeakMap<SourcePrice, ModelPrice | null>();

/** A catalogue price found for a model id. */
export interface CatalogueHit {
  /** The catalogue entry whose match rule took the id ("gpt-5-mini" for "gpt-5-mini-2025-08-07"). */
  entryId: string;
  /** The start date of the dated price in effect, when the entry has dated prices. */
  from?: string;
  price: ModelPrice;
}

/**
 * The catalogue's price for a model id at `at` (default: now), in our integer units, or null when
 * no catalogue entry matches the id or the entry carries no price. Throws InvalidPriceError for an
 * entry it cannot convert exactly or faithfully.
 */
export function catalogueLookup(modelId: string, at: Date = new Date()): CatalogueHit | null {
  const entry = catalogueEntry(modelId);
  if (!entry) return null;
  const dated = activePrice(entry, at);
  if (!converted.has(dated.price)) converted.set(dated.price, convertCataloguePrice(entry.id, dated.price));
  const price = converted.get(dated.price)!;
  if (!price) return null;
  return dated.from === undefined ? { entryId: entry.id, price } : { entryId: entry.id, from: dated.from, price };
}

/** The catalogue's price alone (catalogueLookup without the entry). */
export function cataloguePrice(modelId: string, at: Date = new Date()): ModelPrice | null {
  return catalogueLookup(modelId, at)?.price ?? null;
}

/** The id of every catalogue entry (for tests and admin tooling). */
export function catalogueModelIds(): string[] {
  return sourceModels.map((model) => model.id);
}
