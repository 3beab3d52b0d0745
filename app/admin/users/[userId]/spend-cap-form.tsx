"use client";
// The admin's spend-limit form for one user: set a cap per period (the user cannot change it), or
// lift it. Shows the current cap, what is spent and held against it, and who set it.
import { useActionState } from "react";
import type { SpendCapState } from "../actions";

export function SpendCapForm({
  userId,
  current,
  action,
}: {
  userId: string;
  current: { cap: string | null; spent: string; held: string; setBy: string | null };
  action: (state: SpendCapState, form: FormData) => Promise<SpendCapState>;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form
      action={formAction}
      className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4"
      aria-labelledby="spend-cap-heading"
      data-testid="admin-spend-cap"
    >
      <h2 id="spend-cap-heading" className="font-semibold text-zinc-900">
        Spend limit per period
      </h2>
      <p className="text-sm text-zinc-700">
        {current.cap === null ? "No cap." : `Cap ${current.cap} tokens, set by ${current.setBy ?? "the user"}.`} Spent{" "}
        {current.spent}, held {current.held} this period.
      </p>
      <input type="hidden" name="userId" value={userId} />
      <label className="block text-sm text-zinc-800">
        Cap (whole tokens)
        <input
          name="cap"
          inputMode="numeric"
          pattern="\d{1,9}"
          title="A whole number of tokens"
          className="mt-1 block w-40 rounded-md border border-zinc-300 px-2 py-1.5"
        />
      </label>
      <div className="flex gap-2">
        <button
          type="submit"
          name="intent"
          value="save"
          disabled={pending}
          className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
        >
          Set admin cap
        </button>
        {current.cap !== null && (
          <button
            type="submit"
            name="intent"
            value="remove"
            formNoValidate
            disabled={pending}
            className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium text-zinc-800 disabled:opacity-60"
          >
            Lift the cap
          </button>
        )}
      </div>
      {state.message && (
        <p role={state.ok ? "status" : "alert"} className={`text-sm ${state.ok ? "text-green-800" : "text-red-800"}`}>
          {state.message}
        </p>
      )}
    </form>
  );
}
