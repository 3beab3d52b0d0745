"use client";
import { useId, useState } from "react";
import { useTranslations } from "next-intl";
import { AiForm, inputClass } from "@/components/ai/ai-form";
import { estimateAction } from "../actions";

// The goals the route accepts; each one's label is the message ai.recipe.goals.<goal>.
const GOALS = ["build_muscle", "lose_fat", "maintain", "performance"] as const;

const list = (text: string) =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

export function RecipeForm({ routePath, typicalTokens }: { routePath: string; typicalTokens: number }) {
  const t = useTranslations("ai.recipe");
  const [ingredients, setIngredients] = useState("");
  const [goal, setGoal] = useState<string>("build_muscle");
  const [servings, setServings] = useState("2");
  const [restrictions, setRestrictions] = useState("");
  const ids = { ingredients: useId(), goal: useId(), servings: useId(), restrictions: useId() };
  const items = list(ingredients);
  const input = items.length
    ? { ingredients: items, goal, servings: Number(servings) || 2, restrictions: list(restrictions) }
    : null;
  return (
    <AiForm
      slug="recipe-generator"
      routePath={routePath}
      typicalTokens={typicalTokens}
      estimateAction={estimateAction}
      estimatePayload={input}
      buildRequest={() =>
        input ? { headers: { "content-type": "application/json" }, body: JSON.stringify(input) } : null
      }
      resultKey="recipes"
      resultTitle={t("result")}
      submitLabel={t("submit")}
      idleHint={t("idle")}
    >
      <div>
        <label htmlFor={ids.ingredients} className="block text-sm font-medium text-zinc-900">
          {t("ingredients")}
        </label>
        <textarea
          id={ids.ingredients}
          rows={3}
          className={inputClass}
          value={ingredients}
          onChange={(e) => setIngredients(e.target.value)}
          placeholder={t("ingredientsPlaceholder")}
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <div>
          <label htmlFor={ids.goal} className="block text-sm font-medium text-zinc-900">
            {t("goal")}
          </label>
          <select id={ids.goal} className={inputClass} value={goal} onChange={(e) => setGoal(e.target.value)}>
            {GOALS.map((value) => (
              <option key={value} value={value}>
                {t(`goals.${value}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.servings} className="block text-sm font-medium text-zinc-900">
            {t("servings")}
          </label>
          <input
            id={ids.servings}
            type="number"
            min={1}
            max={8}
            className={inputClass}
            value={servings}
            onChange={(e) => setServings(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={ids.restrictions} className="block text-sm font-medium text-zinc-900">
            {t("restrictions")}
          </label>
          <input
            id={ids.restrictions}
            className={inputClass}
            value={restrictions}
            onChange={(e) => setRestrictions(e.target.value)}
            placeholder={t("restrictionsPlaceholder")}
          />
        </div>
      </div>
    </AiForm>
  );
}
