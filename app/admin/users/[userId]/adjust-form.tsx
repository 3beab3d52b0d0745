"use client";
// The manual grant / deduction form. The nonce comes from the server render: it is the adjustment's
// idempotency key, so a double submit applies once; after a success the page re-renders with a new one.
import { useActionState } from "react";
import type { AdjustState } from "../actions";

export function AdjustForm({
  userId,
  nonce,
  action,
}: {
  userId: string;
  nonce: string;
  action: (state: AdjustState, form: FormData) => Promise<AdjustState>;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form
      action={formAction}
      className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4"
      aria-labelledby="adjust-heading"
    >
      <h2 id="adjust-heading" className="font-semibold text-zinc-900">
        Grant or deduct tokens
      </h2>
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="nonce" value={nonce} />
      <fieldset className="flex gap-4 text-sm">
        <legend className="sr-only">Direction</legend>
        <label className="flex items-center gap-1">
          <input type="radio" name="direction" value="grant" defaultChecked /> Grant
        </label>
        <label className="flex items-center gap-1">
          <input type="radio" name="direction" value="deduct" /> Deduct
        </label>
      </fieldset>
      <label className="block text-sm text-zinc-800">
        Tokens
        <input
          name="amount"
          required
          inputMode="decimal"
          pattern="\d{1,9}(\.\d{1,3})?"
          title="A number of tokens with at most 3 decimals"
          className="mt-1 block w-40 rounded-md border border-zinc-300 px-2 py-1.5"
        />
      </label>
      <label className="block text-sm text-zinc-800">
        Reason (kept on the ledger row)
        <textarea
          name="reason"
          required
          minLength={3}
          maxLength={500}
          rows={2}
          className="mt-1 block w-full rounded-md border border-zinc-300 px-2 py-1.5"
        />
      </label>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
      >
        {pending ? "Applying…" : "Apply"}
      </button>
      {state.message && (
        <p role={state.ok ? "status" : "alert"} className={`text-sm ${state.ok ? "text-emerald-800" : "text-red-800"}`}>
          {state.message}
        </p>
      )}
    </form>
  );
}
