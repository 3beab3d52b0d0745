// Customer portal rules: a configuration's stored features, a session's `flow_data`, and which
// prices the portal offers. Used by the engine's portal operations and the portal page.
import type { StripeEngine } from "./engine";
import { invalidRequest, missingParam } from "./errors";
import { applyMetadata, arr, bool, int, isObject, obj, oneOf, requiredStr, str, strList, type Params } from "./params";
import type { Json, JsonObject } from "./store";
import type { Customer, PortalConfiguration, PortalFlow, Price, Subscription } from "./types";

/** Stores the configuration's params (deep-merged, "true"/"false" → booleans, numbers kept as given). */
export function applyPortalConfiguration(engine: StripeEngine, config: PortalConfiguration, params: Params): void {
  const toJson = (value: unknown): Json => {
    if (typeof value === "string") return value === "true" ? true : value === "false" ? false : value;
    if (Array.isArray(value)) return value.map(toJson);
    if (value && typeof value === "object") {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) out[k] = toJson(v);
      return out;
    }
    return null;
  };
  const merge = (target: JsonObject, source: JsonObject) => {
    for (const [k, v] of Object.entries(source)) {
      const t = target[k];
      if (v && typeof v === "object" && !Array.isArray(v) && t && typeof t === "object" && !Array.isArray(t))
        merge(t, v);
      else target[k] = v;
    }
  };
  const features = obj(params, "features");
  if (features) {
    const update = features.subscription_update;
    if (isObject(update) && update.products !== undefined) {
      const products = arr(update, "products", "features[subscription_update][products]") ?? [];
      products.forEach((p, i) => {
        if (!isObject(p)) throw invalidRequest("Invalid object", `features[subscription_update][products][${i}]`);
        engine.product(
          requiredStr(p, "product", `features[subscription_update][products][${i}][product]`),
          `features[subscription_update][products][${i}][product]`,
        );
        for (const priceId of strList(p, "prices") ?? [])
          engine.price(priceId, `features[subscription_update][products][${i}][prices]`);
      });
    }
    merge(config.features, toJson(features) as JsonObject);
  }
  const businessProfile = obj(params, "business_profile");
  if (businessProfile) merge(config.business_profile as JsonObject, toJson(businessProfile) as JsonObject);
  const returnUrl = str(params, "default_return_url");
  if (returnUrl !== undefined) config.default_return_url = returnUrl || null;
  const active = bool(params, "active");
  if (active !== undefined) config.active = active;
  const name = str(params, "name");
  if (name !== undefined) config.name = name || null;
  config.metadata = applyMetadata(config.metadata, params);
}

/** `flow_data` of a portal session, validated against the customer and their subscription. */
export function parsePortalFlow(engine: StripeEngine, params: Params, customer: Customer): PortalFlow | null {
  const data = obj(params, "flow_data");
  if (!data) return null;
  const type = oneOf(
    data,
    "type",
    ["subscription_update", "subscription_update_confirm", "subscription_cancel", "payment_method_update"] as const,
    "flow_data[type]",
  );
  if (!type) throw missingParam("flow_data[type]");
  const after = obj(data, "after_completion", "flow_data[after_completion]");
  const afterType = after
    ? (oneOf(
        after,
        "type",
        ["redirect", "portal_homepage", "hosted_confirmation"] as const,
        "flow_data[after_completion][type]",
      ) ?? "portal_homepage")
    : "portal_homepage";
  let redirect: { return_url: string } | null = null;
  if (afterType === "redirect") {
    const r = obj(after!, "redirect", "flow_data[after_completion][redirect]");
    const url = r ? str(r, "return_url", "flow_data[after_completion][redirect][return_url]") : undefined;
    if (!url) throw missingParam("flow_data[after_completion][redirect][return_url]");
    redirect = { return_url: url };
  }
  const hosted =
    afterType === "hosted_confirmation"
      ? {
          custom_message:
            (after && isObject(after.hosted_confirmation)
              ? str(after.hosted_confirmation, "custom_message")
              : undefined) ?? null,
        }
      : null;
  const flow: PortalFlow = {
    type,
    after_completion: { type: afterType, redirect, hosted_confirmation: hosted },
    subscription_update: null,
    subscription_update_confirm: null,
    subscription_cancel: null,
  };
  const liveSubscription = (p: string, subParams: Params | undefined): Subscription => {
    const subId = subParams ? str(subParams, "subscription", `${p}[subscription]`) : undefined;
    if (!subId) throw missingParam(`${p}[subscription]`);
    const sub = engine.subscription(subId, `${p}[subscription]`);
    if (sub.customer !== customer.id)
      throw invalidRequest(`Subscription ${subId} does not belong to customer ${customer.id}.`, `${p}[subscription]`);
    if (sub.status === "canceled" || sub.status === "incomplete_expired")
      throw invalidRequest(`Subscription ${subId} is ${sub.status}.`, `${p}[subscription]`);
    return sub;
  };
  if (type === "subscription_update") {
    const sub = liveSubscription(
      "flow_data[subscription_update]",
      obj(data, "subscription_update", "flow_data[subscription_update]"),
    );
    flow.subscription_update = { subscription: sub.id };
  } else if (type === "subscription_cancel") {
    const sub = liveSubscription(
      "flow_data[subscription_cancel]",
      obj(data, "subscription_cancel", "flow_data[subscription_cancel]"),
    );
    flow.subscription_cancel = { subscription: sub.id, retention: null };
  } else if (type === "subscription_update_confirm") {
    const p = "flow_data[subscription_update_confirm]";
    const confirm = obj(data, "subscription_update_confirm", p);
    const sub = liveSubscription(p, confirm);
    const rawItems = arr(confirm!, "items", `${p}[items]`);
    if (!rawItems || rawItems.length === 0) throw missingParam(`${p}[items]`);
    const items = rawItems.map((raw, i) => {
      if (!isObject(raw)) throw invalidRequest("Invalid object", `${p}[items][${i}]`);
      const itemId = requiredStr(raw, "id", `${p}[items][${i}][id]`);
      if (!sub.items.data.some((it) => it.id === itemId))
        throw invalidRequest(
          `Subscription item ${itemId} does not belong to subscription ${sub.id}.`,
          `${p}[items][${i}][id]`,
        );
      const priceId = requiredStr(raw, "price", `${p}[items][${i}][price]`);
      const price = engine.price(priceId, `${p}[items][${i}][price]`);
      if (!price.active || price.type !== "recurring")
        throw invalidRequest("The price must be an active recurring price.", `${p}[items][${i}][price]`);
      return { id: itemId, price: priceId, quantity: int(raw, "quantity", `${p}[items][${i}][quantity]`) ?? 1 };
    });
    flow.subscription_update_confirm = { subscription: sub.id, items, discounts: [] };
  } else {
    throw invalidRequest(
      "The simulator's portal does not implement the payment_method_update flow.",
      "flow_data[type]",
    );
  }
  return flow;
}

/** The recurring prices the portal offers for a plan switch (configuration products, else every active recurring price). */
export function portalPrices(engine: StripeEngine, config: PortalConfiguration): Price[] {
  const update = config.features.subscription_update as JsonObject | undefined;
  const products = update?.products as Array<{ product: string; prices: string[] }> | null | undefined;
  const active = engine.store.all<Price>("price").filter((p) => p.active && p.type === "recurring");
  if (!products || products.length === 0) return active;
  const allowed = new Set(products.flatMap((p) => p.prices ?? []));
  return active.filter((p) => allowed.has(p.id));
}
