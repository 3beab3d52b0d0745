"use client";
// The frame every one-shot AI page shares: the fields (children), the estimated cost of the current
// input before running, the run button, then the charge, the result or the error. The page supplies
// the request to send and how to read the result; this component knows no feature.
import { useCallback, type ReactNode } from "react";
import { ChargedBadge, CostEstimate } from "./cost-badge";
import { MeteredErrorAlert } from "./error-alert";
import { ResultPanel } from "./result-panel";
import { RunButton } from "./run-button";
import { useEstimate, type EstimateAnswer } from "./use-estimate";
import { useMeteredCall } from "./use-metered-call";

export interface AiFormProps {
  slug: string;
  routePath: string;
  typicalTokens: number;
  /** The server action that prices an input (estimateAction of app/(app)/ai/actions.ts). */
  estimateAction(slug: string, payload: unknown): Promise<EstimateAnswer>;
  /** What the estimate needs for the current input, or null while the input is incomplete. */
  estimatePayload: unknown | null;
  /** The request for the current input, or null while it is incomplete. */
  buildRequest(): RequestInit | null;
  resultKey: string;
  resultTitle: string;
  submitLabel: string;
  idleHint?: string;
  /** Renders the result (default: the generic ResultPanel). */
  renderResult?(result: unknown): ReactNode;
  children: ReactNode;
}

export function AiForm(props: AiFormProps) {
  const { slug, estimateAction } = props;
  const estimate = useEstimate(
    useCallback((payload: unknown) => estimateAction(slug, payload), [estimateAction, slug]),
    props.estimatePayload,
  );
  const { state, run } = useMeteredCall<Record<string, unknown>>();
  const running = state.status === "running";

  return (
    <div className="space-y-6">
      <form
        className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4"
        onSubmit={(event) => {
          event.preventDefault();
          const init = props.buildRequest();
          if (init) void run(props.routePath, init);
        }}
      >
        {props.children}
        <CostEstimate estimate={estimate} typicalTokens={props.typicalTokens} idleHint={props.idleHint} />
        <RunButton running={running} disabled={props.estimatePayload === null}>
          {props.submitLabel}
        </RunButton>
      </form>

      <div aria-live="polite" className="space-y-4">
        {state.status === "error" && <MeteredErrorAlert error={state.error} />}
        {state.status === "done" && (
          <>
            <ChargedBadge charged={state.charged} remaining={state.remaining} />
            {props.renderResult ? (
              props.renderResult(state.result[props.resultKey])
            ) : (
              <ResultPanel title={props.resultTitle} data={state.result[props.resultKey]} />
            )}
          </>
        )}
      </div>
    </div>
  );
}

/** Shared input styles of the AI forms. */
export const inputClass =
  "mt-1 block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm shadow-sm focus:border-zinc-900 focus:outline-none focus:ring-1 focus:ring-zinc-900";
