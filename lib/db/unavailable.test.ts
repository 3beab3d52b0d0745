import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./unavailable";

describe("isDatabaseUnavailable", () => {
  it("recognises a refused or reset connection, a server shutting down and Prisma's wrappers of them", () => {
    expect(
      isDatabaseUnavailable(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("connection failure"), { code: "08006" }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("query failed", { cause: { kind: "DatabaseNotReachable" } }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })]))).toBe(
      true,
    );
  });

  it("does not take a wrong query, a constraint or a bug for an outage", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("syntax error at or near"), { code: "42601" }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error("Unique constraint failed"), { code: "P2002" }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("undefined is not a function"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});

describe("isDatabaseUnavailable: Prisma's raw-query error", () => {
  it("looks into meta.driverAdapterError, where P2010 carries the adapter's kind", () => {
    const adapterError = Object.assign(new Error("DatabaseNotReachable"), {
      name: "DriverAdapterError",
      cause: { kind: "DatabaseNotReachable" },
    });
    const prismaError = Object.assign(new Error("Raw query failed."), {
      name: "PrismaClientKnownRequestError",
      code: "P2010",
      meta: { driverAdapterError: adapterError },
    });
    expect(isDatabaseUnavailable(prismaError)).toBe(true);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error("Raw query failed."), {
          code: "P2010",
          meta: { driverAdapterError: { cause: { kind: "UniqueConstraintViolation" } } },
        }),
      ),
    ).toBe(false);
  });
});
