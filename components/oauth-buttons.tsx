// The OAuth sign-in buttons; the page passes in its server action (components never import app/).
export function OAuthButtons({
  providers,
  callbackUrl,
  action,
}: {
  providers: { id: string; name: string }[];
  callbackUrl: string;
  action: (formData: FormData) => Promise<void>;
}) {
  if (providers.length === 0) return null;
  return (
    <div className="space-y-2">
      {providers.map((provider) => (
        <form key={provider.id} action={action}>
          <input type="hidden" name="provider" value={provider.id} />
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <button
            type="submit"
            className="w-full rounded-md border border-zinc-300 bg-white px-4 py-2.5 font-medium hover:bg-zinc-100"
          >
            Continue with {provider.name}
          </button>
        </form>
      ))}
      <p className="py-2 text-center text-xs uppercase tracking-wide text-zinc-500">or with e-mail</p>
    </div>
  );
}
