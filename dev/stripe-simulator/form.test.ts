import { describe, expect, it } from "vitest";
import { FormParseError, parseForm, splitKey } from "./form";

describe("parseForm", () => {
  it("parses flat pairs and decodes + and percent escapes", () => {
    expect(parseForm("a=1&b=hello+world&c=%E2%82%AC%26")).toEqual({ a: "1", b: "hello world", c: "€&" });
  });

  it("nests bracketed keys into objects and indexed keys into arrays, in index order", () => {
    const body =
      "line_items[1][price]=price_b&line_items[0][price]=price_a&line_items[0][quantity]=2" +
      "&metadata[userId]=u1&subscription_data[metadata][plan]=pro&expand[0]=data.product&expand[1]=line_items";
    expect(parseForm(body)).toEqual({
      line_items: [{ price: "price_a", quantity: "2" }, { price: "price_b" }],
      metadata: { userId: "u1" },
      subscription_data: { metadata: { plan: "pro" } },
      expand: ["data.product", "line_items"],
    });
  });

  it("accepts percent-encoded brackets and [] appends", () => {
    expect(parseForm("lookup_keys%5B%5D=a&lookup_keys%5B%5D=b")).toEqual({ lookup_keys: ["a", "b"] });
    expect(parseForm("x[]=1&x[]=2&x[]=3")).toEqual({ x: ["1", "2", "3"] });
  });

  it("keeps empty values (Stripe's way to unset a field) and keys without =", () => {
    expect(parseForm("lookup_key=&metadata[a]=&flag")).toEqual({ lookup_key: "", metadata: { a: "" }, flag: "" });
  });

  it("keeps a map with numeric-looking and other keys as an object", () => {
    expect(parseForm("metadata[0]=a&metadata[x]=b")).toEqual({ metadata: { "0": "a", x: "b" } });
  });

  it("returns an empty object for an empty body", () => {
    expect(parseForm("")).toEqual({});
  });

  it("rejects conflicting scalar and nested values, bad brackets and prototype keys", () => {
    expect(() => parseForm("a=1&a[b]=2")).toThrow(FormParseError);
    expect(() => parseForm("a[b]=2&a=1")).toThrow(FormParseError);
    expect(() => parseForm("a[b=1")).toThrow(FormParseError);
    expect(() => parseForm("a[__proto__][x]=1")).toThrow(FormParseError);
    expect(() => parseForm("[x]=1")).toThrow(FormParseError);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("splits keys into segments", () => {
    expect(splitKey("a")).toEqual(["a"]);
    expect(splitKey("a[b][0][]")).toEqual(["a", "b", "0", ""]);
  });

  it("reads back what the stripe SDK encodes", async () => {
    const { createServer } = await import("node:http");
    const { default: Stripe } = await import("stripe");
    let captured = "";
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        captured = Buffer.concat(chunks).toString("utf8");
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ id: "cs_test_1", object: "checkout.session" }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const stripe = new Stripe("sk_test_x", {
      host: "127.0.0.1",
      port,
      protocol: "http",
      maxNetworkRetries: 0,
      telemetry: false,
    });
    const data = {
      mode: "subscription" as const,
      line_items: [{ price: "price_1", quantity: 1 }],
      metadata: { userId: "u_1", "weird key": "a&b=c[]" },
      subscription_data: { metadata: { plan: "pro" } },
      expand: ["subscription", "line_items"],
    };
    try {
      await stripe.checkout.sessions.create(data);
    } finally {
      server.close();
    }
    expect(parseForm(captured)).toEqual({ ...data, line_items: [{ price: "price_1", quantity: "1" }] });
  });
});
