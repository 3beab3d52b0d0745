"use client";
// The forms that show a secret: registering an endpoint and rotating its secret. The secret comes
// back in the server action's state and is shown here once (it is never in a URL); reloading the
// page forgets it.
import { useActionState } from "react";
import type { EndpointFormState, RotateState } from "./actions";

export function SecretOnce({ secret, label }: { secret: string; label: string }) {
  return (
    <div role="status" className="space-y-1 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-950">
      <p>{label} Copy it now: it is not shown again.</p>
      <code data-testid="endpoint-secret" className="block font-mono text-xs break-all select-all">
        {secret}
      </code>
    </div>
  );
}

export function RegisterEndpointForm({
  eventTypes,
  action,
}: {
  eventTypes: readonly string[];
  action: (state: EndpointFormState, form: FormData) => Promise<EndpointFormState>;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form
      action={formAction}
      className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4"
      aria-labelledby="register-heading"
    >
      <h2 id="register-heading" className="font-semibold text-zinc-900">
        Register an endpoint
      </h2>
      <label className="block text-sm text-zinc-800">
        URL
        <input
          name="url"
          type="url"
          required
          maxLength={2000}
          placeholder="https://example.com/webhooks/tollgate"
          aria-invalid={state.field === "url" || undefined}
          className="mt-1 block w-full rounded-md border border-zinc-300 px-2 py-1.5"
        />
      </label>
      <label className="block text-sm text-zinc-800">
        Description (optional)
        <input
          name="description"
          maxLength={200}
          className="mt-1 block w-full rounded-md border border-zinc-300 px-2 py-1.5"
        />
      </label>
      <fieldset className="text-sm text-zinc-800">
        <legend>Event types</legend>
        <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
          {eventTypes.map((type) => (
            <label key={type} className="flex items-center gap-1 font-mono text-xs">
              <input type="checkbox" name="eventTypes" value={type} defaultChecked /> {type}
            </label>
          ))}
        </div>
      </fieldset>
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
      >
        {pending ? "Registering…" : "Register"}
      </button>
      {state.ok === false && state.message && (
        <p role="alert" className="text-sm text-red-800">
          {state.message}
        </p>
      )}
      {state.ok && state.secret && (
        <SecretOnce secret={state.secret} label={`Registered ${state.url}. Its signing secret:`} />
      )}
    </form>
  );
}

export function RotateSecretForm({
  id,
  action,
}: {
  id: string;
  action: (state: RotateState, form: FormData) => Promise<RotateState>;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="id" value={id} />
      <button
        type="submit"
        disabled={pending}
        className="rounded-md px-2 py-1 text-xs font-medium text-zinc-900 ring-1 ring-zinc-300 disabled:opacity-50"
      >
        Rotate secret
      </button>
      {state.message && (
        <p role="alert" className="text-xs text-red-800">
          {state.message}
        </p>
      )}
      {state.secret && (
        <SecretOnce secret={state.secret} label="The new secret (the old one still signs for 24 hours):" />
      )}
    </form>
  );
}
