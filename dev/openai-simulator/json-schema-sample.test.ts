import { describe, expect, it } from "vitest";
import { z } from "zod";
import { sampleFromJsonSchema } from "./json-schema-sample";
import { sampleRegex } from "./regex-sample";
import { Rng } from "./rng";

/** The sample must validate both with the zod schema itself and with zod's reading of the JSON Schema. */
function expectValid(schema: z.ZodType, seed = "seed") {
  const jsonSchema = z.toJSONSchema(schema);
  const value = sampleFromJsonSchema(jsonSchema, { seed });
  const direct = schema.safeParse(value);
  expect(direct.success, JSON.stringify({ value, issues: direct.error?.issues }, null, 1)).toBe(true);
  const viaJsonSchema = z.fromJSONSchema(jsonSchema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(value);
  expect(viaJsonSchema.success, JSON.stringify({ value, issues: viaJsonSchema.error?.issues }, null, 1)).toBe(true);
  return value;
}

describe("sampleFromJsonSchema", () => {
  it("fills nested objects, arrays with bounds, enums and ranged numbers", () => {
    const Plan = z.object({
      title: z.string().min(5).max(40),
      level: z.enum(["beginner", "intermediate", "advanced"]),
      weeks: z.number().int().min(4).max(12),
      intensity: z.number().gt(0).lt(1),
      sessions: z
        .array(
          z.object({
            day: z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
            minutes: z.number().int().min(10).max(90).multipleOf(5),
            drills: z.array(z.string().min(1)).min(1).max(3),
            optional: z.boolean().optional(),
          }),
        )
        .min(3)
        .max(5),
      note: z.string().nullable(),
    });
    const value = expectValid(Plan) as z.infer<typeof Plan>;
    expect(value.sessions.length).toBeGreaterThanOrEqual(3);
    expect(value.note).not.toBeNull(); // nullable → the non-null branch
  });

  it("is deterministic per seed and varies across seeds", () => {
    const schema = z.toJSONSchema(z.object({ a: z.number(), b: z.string(), c: z.enum(["x", "y", "z", "w"]) }));
    expect(sampleFromJsonSchema(schema, { seed: "one" })).toEqual(sampleFromJsonSchema(schema, { seed: "one" }));
    const samples = new Set(
      ["one", "two", "three", "four"].map((seed) => JSON.stringify(sampleFromJsonSchema(schema, { seed }))),
    );
    expect(samples.size).toBeGreaterThan(1);
  });

  it("handles formats, patterns, literals, tuples, records, unions and discriminated unions", () => {
    expectValid(
      z.object({
        email: z.email(),
        id: z.uuid(),
        at: z.iso.datetime(),
        day: z.iso.date(),
        time: z.iso.time(),
        site: z.url(),
        ip: z.ipv4(),
        code: z.string().regex(/^[A-Z]{3}-\d{2}$/),
        ulid: z.ulid(),
        phone: z.e164(),
        edge: z.string().startsWith("ab").endsWith("yz"),
        kind: z.literal("summary"),
        pair: z.tuple([z.string(), z.number().int().min(-5).max(-1)]),
        scores: z.record(z.string(), z.number().min(0).max(10)),
        either: z.union([z.string().min(2), z.number()]),
        event: z.discriminatedUnion("type", [
          z.object({ type: z.literal("note"), text: z.string() }),
          z.object({ type: z.literal("goal"), target: z.number().int().positive() }),
        ]),
      }),
    );
  });

  it("resolves $ref into $defs, including recursive schemas", () => {
    const Step = z.object({ label: z.string(), done: z.boolean() }).meta({ id: "Step" });
    interface Node {
      name: string;
      children: Node[];
    }
    const NodeSchema: z.ZodType<Node> = z.object({
      name: z.string().min(1),
      get children() {
        return z.array(NodeSchema).max(3);
      },
    });
    expectValid(z.object({ first: Step, rest: z.array(Step).min(2), tree: NodeSchema }));
  });

  it("supports hand-written draft-07 schemas: definitions, allOf, oneOf, type arrays, additionalProperties false", () => {
    const schema = {
      $schema: "http://json-schema.org/draft-07/schema#",
      definitions: {
        score: { type: "integer", minimum: 1, maximum: 5 },
        person: {
          type: "object",
          properties: { name: { type: "string", minLength: 2 } },
          required: ["name"],
          additionalProperties: false,
        },
      },
      type: "object",
      properties: {
        coach: { $ref: "#/definitions/person" },
        rating: { $ref: "#/definitions/score" },
        maybe: { type: ["null", "number"], minimum: 10, exclusiveMaximum: 11 },
        both: { allOf: [{ type: "string", minLength: 3 }, { maxLength: 5 }] },
        pick: { oneOf: [{ type: "string", enum: ["a", "b"] }, { type: "number" }] },
        tags: { type: "array", items: { type: "string" }, minItems: 2, maxItems: 2, uniqueItems: true },
        extra: { type: "object", minProperties: 2, additionalProperties: { type: "boolean" } },
      },
      required: ["coach", "rating", "maybe", "both", "pick", "tags", "extra"],
      additionalProperties: false,
    };
    const value = sampleFromJsonSchema(schema, { seed: "draft7" }) as Record<string, unknown>;
    const validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    expect(validator.safeParse(value).success, JSON.stringify(value)).toBe(true);
    expect(typeof value.maybe).toBe("number");
    expect(value.maybe as number).toBeGreaterThanOrEqual(10);
    expect(value.maybe as number).toBeLessThan(11);
    expect(Object.keys(value.extra as object).length).toBeGreaterThanOrEqual(2);
  });

  it("keeps OpenAI strict schemas (zodResponseFormat-style anyOf nullables) valid", () => {
    const schema = {
      type: "object",
      properties: {
        summary: { type: "string" },
        follow_up: { anyOf: [{ type: "string" }, { type: "null" }] },
        items: {
          type: "array",
          items: {
            type: "object",
            properties: { q: { type: "string" }, score: { type: "number" } },
            required: ["q", "score"],
            additionalProperties: false,
          },
        },
      },
      required: ["summary", "follow_up", "items"],
      additionalProperties: false,
    };
    const value = sampleFromJsonSchema(schema) as Record<string, unknown>;
    expect(z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(value).success).toBe(true);
    expect(typeof value.follow_up).toBe("string");
  });
});

describe("sampleRegex", () => {
  const cases = [
    "^[A-Z]{3}-\\d{2}$",
    "^(?:[A-Za-z0-9_'+\\-]+\\.)*[A-Za-z0-9_'+\\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$",
    "^#[0-9a-fA-F]{6}$",
    "^(red|green|blue)-[a-z]+\\d*$",
    "^[^\\s@]+@[^\\s@]+$",
    "^(?<word>[a-z]{2})-\\k<word>$",
    "^v\\d+\\.\\d+\\.\\d+(-[a-z0-9]+)?$",
  ];
  it.each(cases)("generates a match for %s", (pattern) => {
    const value = sampleRegex(pattern, { rng: new Rng(pattern) });
    expect(value).toMatch(new RegExp(pattern));
  });
});
