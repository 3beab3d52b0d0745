import { describe, expect, it } from "vitest";
import { createLogger, eventLog, REDACTED, type Logger } from "./log";
import type { LogLevel } from "./env";

/** A logger whose lines are parsed into `lines`. */
function capture(level: LogLevel = "info"): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level, destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { log, lines };
}

describe("createLogger", () => {
  it("writes one JSON object a line with the module, the level's name and the event's fields", () => {
    const { log, lines } = capture();
    log.child({ module: "billing" }).warn({ event: "sync_failed", subscriptionId: "sub_1" }, "the sync failed");
    expect(lines).toEqual([
      expect.objectContaining({
        level: "warn",
        module: "billing",
        event: "sync_failed",
        subscriptionId: "sub_1",
        msg: "the sync failed",
      }),
    ]);
    expect(typeof lines[0]!.time).toBe("string");
  });

  it("writes bigints as their exact decimal strings, nested ones too", () => {
    const { log, lines } = capture();
    log.info({ charged: 12_345_678_901_234_567_890n, tokens: { remaining: -5n, list: [1n] } });
    expect(lines[0]).toMatchObject({ charged: "12345678901234567890", tokens: { remaining: "-5", list: ["1"] } });
  });

  it("censors secrets at the top level and one and two levels down", () => {
    const { log, lines } = capture();
    log.info({
      authorization: "Bearer sk-top",
      password: "hunter2",
      headers: {
        authorization: "Bearer sk-live",
        cookie: "authjs.session-token=abc",
        "set-cookie": "a=b",
        "x-api-key": "k",
      },
      config: { apiKey: "sk-1", secret: "whsec_1", token: "t", nested: { clientSecret: "c", password: "p" } },
      userId: "u1",
    });
    const line = JSON.stringify(lines[0]);
    for (const secret of ["sk-top", "hunter2", "sk-live", "abc", "a=b", '"k"', "sk-1", "whsec_1", '"t"', '"c"', '"p"'])
      expect(line).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      authorization: REDACTED,
      password: REDACTED,
      headers: { authorization: REDACTED, cookie: REDACTED, "set-cookie": REDACTED, "x-api-key": REDACTED },
      config: {
        apiKey: REDACTED,
        secret: REDACTED,
        token: REDACTED,
        nested: { clientSecret: REDACTED, password: REDACTED },
      },
      userId: "u1",
    });
  });

  it("logs at its level and above only; silent logs nothing", () => {
    const warn = capture("warn");
    warn.log.info("not shown");
    warn.log.debug("not shown");
    warn.log.warn("shown");
    warn.log.error("shown too");
    expect(warn.lines.map((l) => l.msg)).toEqual(["shown", "shown too"]);

    const silent = capture("silent");
    silent.log.fatal("nothing");
    expect(silent.lines).toEqual([]);
  });

  it("serializes an error given as err with its type, message and stack", () => {
    const { log, lines } = capture();
    log.error({ event: "boom", err: new TypeError("bad thing") });
    expect(lines[0]).toMatchObject({ event: "boom", err: { type: "TypeError", message: "bad thing" } });
    expect(String((lines[0]!.err as { stack: string }).stack)).toContain("TypeError: bad thing");
  });
});

describe("eventLog", () => {
  it("writes a layer's (event, details) as a line at warn, or at the level the event is named for", () => {
    const { log, lines } = capture("debug");
    const hook = eventLog(log, { info: ["settled"], errors: ["settle_failed"] });
    hook("settled", { charged: 5n });
    hook("settle_retry", { attempt: 2 });
    hook("settle_failed", { requestId: "r-1" });
    expect(lines.map(({ level, event }) => [level, event])).toEqual([
      ["info", "settled"],
      ["warn", "settle_retry"],
      ["error", "settle_failed"],
    ]);
    expect(lines[0]).toMatchObject({ charged: "5" });
    expect(lines[2]).toMatchObject({ requestId: "r-1" });
  });
});
