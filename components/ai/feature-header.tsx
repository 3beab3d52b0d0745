// The top of an AI feature page, from the registry: its title, what it does and the model it uses.
import type { ReactNode } from "react";

export function FeatureHeader({
  title,
  description,
  model,
  children,
}: {
  title: string;
  description: string;
  model: string;
  children?: ReactNode;
}) {
  return (
    <header className="mb-6">
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      <p className="mt-1 text-zinc-700">{description}</p>
      <p className="mt-1 text-xs text-zinc-500">Model: {model}</p>
      {children}
    </header>
  );
}
