"use client";
import { useId, useState } from "react";
import { AiForm, inputClass } from "@/components/ai/ai-form";
import { estimateAction } from "../actions";

const GOALS = [
  ["build_muscle", "Build muscle"],
  ["lose_fat", "Lose fat"],
  ["maintain", "Maintain"],
  ["performance", "Performance"],
] as const;

const list = (text: string) =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

export function RecipeForm({ routePath, typicalTokens }: { routePath: string; typicalTokens: number }) {
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
      resultTitle="Recipes"
      submitLabel="Generate recipes"
      idleHint="list your ingredients to see it"
    >
      <div>
        <label htmlFor={ids.ingredients} className="block text-sm font-medium text-zinc-900">
          Ingredients (comma or line separated)
        </label>
        <textarea
          id={ids.ingredients}
          rows={3}
          className={inputClass}
          value={ingredients}
          onChange={(e) => setIngredients(e.target.value)}
          placeholder="eggs, spinach, rice, chicken breast"
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <div>
          <label htmlFor={ids.goal} className="block text-sm font-medium text-zinc-900">
            Goal
          </label>
          <select id={ids.goal} className={inputClass} value={goal} onChange={(e) => setGoal(e.target.value)}>
            {GOALS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.servings} className="block text-sm font-medium text-zinc-900">
            Servings
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
            Restrictions (optional)
          </label>
          <input
            id={ids.restrictions}
            className={inputClass}
            value={restrictions}
            onChange={(e) => setRestrictions(e.target.value)}
            placeholder="vegetarian, no nuts"
          />
        </div>
      </div>
    </AiForm>
  );
}
