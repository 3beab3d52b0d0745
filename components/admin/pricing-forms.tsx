"use client";
// The pricing forms: edit the active version (saved as the next one) and add a plan or pack. The
// server actions validate everything again; these only lay the fields out and show the outcome,
// including what the Stripe sync did.
import { useActionState } from "react";
import type { Pack, Plan } from "@/lib/tokens/pricing-config";

export interface EditablePricing {
  version: number;
  currency: string;
  microUsdPerToken: number;
  freeTierTokens: number;
  plans: Plan[];
  packs: Pack[];
  overridesJson: string;
}

/** What a pricing action answers (the page passes the actions in: components never import app/). */
export interface PricingActionState {
  status: "idle" | "saved" | "error";
  message: string;
  /** What the Stripe sync did, one line per change (unchanged items left out). */
  sync?: { ok: boolean; summary: string; lines: string[] };
}

export type PricingAction = (prev: PricingActionState, form: FormData) => Promise<PricingActionState>;

const initial: PricingActionState = { status: "idle", message: "" };
const input = "w-full min-w-20 rounded-md border border-zinc-300 px-2 py-1.5 text-sm text-zinc-900";
const label = "block text-sm text-zinc-700";
const euros = (cents: number) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;

function Outcome({ state }: { state: PricingActionState }) {
  if (state.status === "idle") return null;
  return (
    <div
      role="status"
      className={`rounded-md border px-3 py-2 text-sm ${state.status === "error" ? "border-red-200 bg-red-50 text-red-800" : "border-emerald-200 bg-emerald-50 text-emerald-900"}`}
    >
      <p className="font-medium">{state.message}</p>
      {state.sync && (
        <>
          <p className={state.sync.ok ? "" : "text-amber-800"}>{state.sync.summary}</p>
          {state.sync.lines.length > 0 && (
            <ul className="mt-1 list-disc pl-5 font-mono text-xs">
              {state.sync.lines.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

interface TierColumn<T> {
  /** The form field: `<prefix>:<tier id>:<field>`, as the save action reads it. */
  field: string;
  heading: string;
  value: (tier: T) => string | number;
  inputMode?: "decimal" | "numeric";
}

/** One editable row per plan or pack: its id and lookup key, then an input per column. */
function TierTable<T extends { id: string; lookupKey: string }>({
  caption,
  prefix,
  tiers,
  columns,
}: {
  caption: string;
  prefix: "plan" | "pack";
  tiers: T[];
  columns: TierColumn<T>[];
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="text-left font-medium text-zinc-900">{caption}</caption>
        <thead className="text-zinc-600">
          <tr>
            <th className="px-2 py-1 text-left font-medium">Id / lookup key</th>
            {columns.map((c) => (
              <th key={c.field} className="px-2 py-1 text-left font-medium">
                {c.heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {tiers.map((tier) => (
            <tr key={tier.id}>
              <td className="px-2 py-1">
                <span className="font-medium">{tier.id}</span>
                <span className="block font-mono text-xs text-zinc-500">{tier.lookupKey}</span>
              </td>
              {columns.map((c) => (
                <td key={c.field} className="px-2 py-1">
                  <input
                    aria-label={`${tier.id} ${c.field}`}
                    name={`${prefix}:${tier.id}:${c.field}`}
                    inputMode={c.inputMode}
                    defaultValue={c.value(tier)}
                    className={input}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PricingEditor({ pricing, save }: { pricing: EditablePricing; save: PricingAction }) {
  const [state, action, pending] = useActionState(save, initial);
  return (
    <form
      action={action}
      className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4"
      aria-label="Edit pricing"
    >
      <h2 className="text-lg font-semibold text-zinc-900">Edit version {pricing.version}</h2>
      <input type="hidden" name="baseVersion" value={pricing.version} />
      <input type="hidden" name="planIds" value={pricing.plans.map((p) => p.id).join(",")} />
      <input type="hidden" name="packIds" value={pricing.packs.map((p) => p.id).join(",")} />
      <div className="grid gap-3 sm:grid-cols-2">
        <label className={label}>
          Free tier (tokens per month)
          <input name="freeTierTokens" inputMode="numeric" defaultValue={pricing.freeTierTokens} className={input} />
        </label>
        <label className={label}>
          Provider cost per token (µ$; 1000 = $0.001)
          <input
            name="microUsdPerToken"
            inputMode="numeric"
            defaultValue={pricing.microUsdPerToken}
            className={input}
          />
        </label>
      </div>
      <TierTable
        caption={`Plans (monthly, ${pricing.currency.toUpperCase()})`}
        prefix="plan"
        tiers={pricing.plans}
        columns={[
          { field: "name", heading: "Name", value: (p) => p.name },
          { field: "price", heading: "Price (€)", value: (p) => euros(p.priceCents), inputMode: "decimal" },
          { field: "tokens", heading: "Tokens / month", value: (p) => p.tokensPerMonth, inputMode: "numeric" },
          {
            field: "yearly",
            heading: "Yearly (€; empty = 10 × monthly)",
            value: (p) => (p.yearlyPriceCents === undefined ? "" : euros(p.yearlyPriceCents)),
            inputMode: "decimal",
          },
        ]}
      />
      <TierTable
        caption="Packs (one-time)"
        prefix="pack"
        tiers={pricing.packs}
        columns={[
          { field: "name", heading: "Name", value: (p) => p.name },
          { field: "price", heading: "Price (€)", value: (p) => euros(p.priceCents), inputMode: "decimal" },
          { field: "tokens", heading: "Tokens", value: (p) => p.tokens, inputMode: "numeric" },
          { field: "bonus", heading: "Bonus %", value: (p) => p.bonusPercent, inputMode: "numeric" },
        ]}
      />
      <label className={label}>
        Model price overrides (JSON: model id → price in µ$ per 1M tokens; validated by the cost engine)
        <textarea
          name="overrides"
          rows={4}
          defaultValue={pricing.overridesJson}
          className={`${input} font-mono`}
          spellCheck={false}
        />
      </label>
      <label className={label}>
        Note (why; required)
        <input name="note" required minLength={3} className={input} />
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <button
          disabled={pending}
          className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-60"
        >
          {pending ? "Saving…" : `Save as version ${pricing.version + 1}`}
        </button>
      </div>
      <Outcome state={state} />
    </form>
  );
}

export function NewTierForm({ baseVersion, addTier }: { baseVersion: number; addTier: PricingAction }) {
  const [state, action, pending] = useActionState(addTier, initial);
  return (
    <form action={action} className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4" aria-label="Add a tier">
      <h2 className="text-lg font-semibold text-zinc-900">Add a plan or pack</h2>
      <p className="text-sm text-zinc-600">
        Creates version {baseVersion + 1} with the new tier and its Stripe lookup key, then syncs the catalogue to
        Stripe.
      </p>
      <input type="hidden" name="baseVersion" value={baseVersion} />
      <div className="grid gap-3 sm:grid-cols-3 lg:grid-cols-7">
        <label className={label}>
          Kind
          <select name="kind" className={input} defaultValue="plan">
            <option value="plan">Plan (monthly)</option>
            <option value="pack">Pack (one-time)</option>
          </select>
        </label>
        <label className={label}>
          Id
          <input name="id" required pattern="[a-z0-9_]+" placeholder="mythic" className={input} />
        </label>
        <label className={label}>
          Name
          <input name="name" required placeholder="Mythic" className={input} />
        </label>
        <label className={label}>
          Price (€)
          <input name="price" required inputMode="decimal" placeholder="149.00" className={input} />
        </label>
        <label className={label}>
          Tokens
          <input name="tokens" required inputMode="numeric" placeholder="60000" className={input} />
        </label>
        <label className={label}>
          Bonus % (packs)
          <input name="bonus" inputMode="numeric" defaultValue="0" className={input} />
        </label>
        <label className={label}>
          Note
          <input name="note" required minLength={3} className={input} />
        </label>
      </div>
      <button
        disabled={pending}
        className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-60"
      >
        {pending ? "Adding…" : "Add and sync to Stripe"}
      </button>
      <Outcome state={state} />
    </form>
  );
}
