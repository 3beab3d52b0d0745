// What the simulators' command-line entry points (dev/openai-simulator/cli.ts, dev/stripe-simulator/cli.ts)
// share: argument parsing that answers a usage line with exit 2, and a clean stop on Ctrl-C / SIGTERM.
import { parseArgs, type ParseArgsConfig } from "node:util";

export interface Cli {
  /** The string options given (`--name value`); `--help` has printed the usage and exited already. */
  values: Record<string, string | undefined>;
  /** A non-negative number option (an integer unless `fractional`), or undefined when absent; exit 2 otherwise. */
  number(name: string, opts?: { fractional?: boolean }): number | undefined;
}

function fail(message: string, usage: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

/** Parses `process.argv` for the string options `names` (and `--help`). */
export function parseCli(usage: string, names: string[]): Cli {
  const options: NonNullable<ParseArgsConfig["options"]> = { help: { type: "boolean", short: "h" } };
  for (const name of names) options[name] = { type: "string" };
  let parsed: Record<string, unknown>;
  try {
    ({ values: parsed } = parseArgs({ options }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error), usage);
  }
  if (parsed.help) {
    console.log(usage);
    process.exit(0);
  }
  const values = Object.fromEntries(names.map((name) => [name, parsed[name] as string | undefined]));
  return {
    values,
    number(name, { fractional = false } = {}) {
      const value = values[name];
      if (value === undefined) return undefined;
      const n = Number(value);
      if (!(fractional ? Number.isFinite(n) : Number.isInteger(n)) || n < 0) {
        fail(`--${name} must be a non-negative ${fractional ? "number" : "integer"}, got "${value}"`, usage);
      }
      return n;
    },
  };
}

/** On the first SIGINT or SIGTERM: prints `farewell(signal)`, closes, and exits 0 (1 if closing failed). */
export function closeOnSignals(farewell: (signal: NodeJS.Signals) => string, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${farewell(signal)}`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
