// A row of three labelled figures (the 402 dialogs' required / available / short by, the limits
// page's spent / held / limit): a <dl>, one tile per figure, the value tabular so digits line up.
// Values arrive formatted; `tone: "alert"` marks the one that explains a refusal.
import type { ReactNode } from "react";

export interface Figure {
  label: string;
  value: ReactNode;
  testId: string;
  tone?: "alert";
}

export function FigureTiles({ figures, className }: { figures: Figure[]; className: string }) {
  return (
    <dl className={`grid grid-cols-3 gap-2 text-sm ${className}`}>
      {figures.map(({ label, value, testId, tone }) => (
        <div
          key={testId}
          className={tone === "alert" ? "rounded-md bg-red-50 p-2 text-red-900" : "rounded-md bg-zinc-50 p-2"}
        >
          <dt className={tone === "alert" ? "text-xs" : "text-xs text-zinc-600"}>{label}</dt>
          <dd className="font-semibold tabular-nums" data-testid={testId}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
