// The pricing forms of the admin console → validated edits (lib/admin/pricing.ts). Prices are typed
// in euros ("19.00") and become integer cents by parsing the digits, never through a float.
import { z } from "zod";
import { newTierSchema, pricingEditSchema, type NewTier, type PricingEdit } from "./pricing";

export type FormResult<T> = { ok: true; value: T } | { ok: false; message: string };

const euros = z
  .string()
  .trim()
  .regex(/^\d{1,6}([.,]\d{1,2})?$/, "must be an amount in euros such as 19 or 19.90")
  .transform((v) => {
    const [whole, frac = ""] = v.replace(",", ".").split(".");
    return Number(whole) * 100 + Number(frac.padEnd(2, "0"));
  });

const integer = z
  .string()
  .trim()
  .regex(/^\d{1,12}$/, "must be a whole number")
  .transform(Number);

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

function first(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join(" ") || "form"}: ${issue.message}`;
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): FormResult<T> {
  const parsed = schema.safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: first(parsed.error) };
}

function parseJson(text: string): FormResult<unknown> {
  if (text.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `model price overrides: not valid JSON (${(error as Error).message})` };
  }
}

const fieldsOf = (form: FormData, prefix: string, names: string[]) =>
  Object.fromEntries(names.map((n) => [n, field(form, `${prefix}:${n}`)]));

/**
 * The edit form: `baseVersion`, `microUsdPerToken`, `freeTierTokens`, `overrides` (JSON), `note`,
 * `planIds` / `packIds` (comma-separated) and per tier `plan:<id>:name|price|tokens|yearly` (yearly
 * empty = 10 × monthly),
 * `pack:<id>:name|price|tokens|bonus`.
 */
export function parseEditForm(form: FormData): FormResult<PricingEdit> {
  const overrides = parseJson(field(form, "overrides"));
  if (!overrides.ok) return overrides;
  const ids = (name: string) => field(form, name).split(",").filter(Boolean);
  const raw = z
    .object({
      baseVersion: integer,
      microUsdPerToken: integer,
      freeTierTokens: integer,
      plans: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          price: euros,
          tokens: integer,
          // Empty: the default yearly price (10 × monthly).
          yearly: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), euros.optional()),
        }),
      ),
      packs: z.array(z.object({ id: z.string(), name: z.string(), price: euros, tokens: integer, bonus: integer })),
    })
    .safeParse({
      baseVersion: field(form, "baseVersion"),
      microUsdPerToken: field(form, "microUsdPerToken"),
      freeTierTokens: field(form, "freeTierTokens"),
      plans: ids("planIds").map((id) => ({
        id,
        ...fieldsOf(form, `plan:${id}`, ["name", "price", "tokens", "yearly"]),
      })),
      packs: ids("packIds").map((id) => ({
        id,
        ...fieldsOf(form, `pack:${id}`, ["name", "price", "tokens", "bonus"]),
      })),
    });
  if (!raw.success) return { ok: false, message: first(raw.error) };
  const r = raw.data;
  return parseWith(pricingEditSchema, {
    baseVersion: r.baseVersion,
    microUsdPerToken: r.microUsdPerToken,
    freeTierTokens: r.freeTierTokens,
    plans: r.plans.map((p) => ({
      id: p.id,
      name: p.name.trim(),
      priceCents: p.price,
      tokensPerMonth: p.tokens,
      ...(p.yearly === undefined ? {} : { yearlyPriceCents: p.yearly }),
    })),
    packs: r.packs.map((p) => ({
      id: p.id,
      name: p.name.trim(),
      priceCents: p.price,
      tokens: p.tokens,
      bonusPercent: p.bonus,
    })),
    modelPriceOverrides: overrides.value,
    note: field(form, "note"),
  });
}

/** The new-tier form: `kind` (plan | pack), `baseVersion`, `id`, `name`, `price`, `tokens`, `bonus` (packs), `note`. */
export function parseTierForm(form: FormData): FormResult<NewTier> {
  const raw = z
    .object({
      kind: z.enum(["plan", "pack"], { error: "must be plan or pack" }),
      baseVersion: integer,
      price: euros,
      tokens: integer,
    })
    .safeParse({
      kind: field(form, "kind"),
      baseVersion: field(form, "baseVersion"),
      price: field(form, "price"),
      tokens: field(form, "tokens"),
    });
  if (!raw.success) return { ok: false, message: first(raw.error) };
  const { kind, baseVersion, price, tokens } = raw.data;
  const base = { id: field(form, "id").trim(), name: field(form, "name").trim(), priceCents: price };
  if (kind === "plan") {
    return parseWith(newTierSchema, {
      kind,
      baseVersion,
      tier: { ...base, tokensPerMonth: tokens },
      note: field(form, "note"),
    });
  }
  const bonus = integer.safeParse(field(form, "bonus") || "0");
  if (!bonus.success) return { ok: false, message: `bonus: ${bonus.error.issues[0]!.message}` };
  return parseWith(newTierSchema, {
    kind,
    baseVersion,
    tier: { ...base, tokens, bonusPercent: bonus.data },
    note: field(form, "note"),
  });
}
