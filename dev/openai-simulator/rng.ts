// Deterministic hashing and pseudo-random numbers: every "random" choice the simulator makes is
// seeded from the request's content, so the same input always gives the same output.
import { createHash } from "node:crypto";

/** SHA-256 of a string or bytes, as hex. */
export function sha256Hex(input: string | Uint8Array): string {
  return createHash("sha256").update(input).digest("hex");
}

/** A 32-bit seed from any string (the first 8 hex digits of its SHA-256). */
export function seedFrom(input: string | Uint8Array): number {
  return Number.parseInt(sha256Hex(input).slice(0, 8), 16) >>> 0;
}

/** mulberry32: small, fast, good enough for picking sample words and numbers. */
export class Rng {
  private state: number;

  constructor(seed: number | string) {
    this.state = (typeof seed === "number" ? seed : seedFrom(seed)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    if (max <= min) return min;
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Rng.pick on an empty list");
    return items[this.int(0, items.length - 1)] as T;
  }

  bool(): boolean {
    return this.next() < 0.5;
  }

  /** A child generator, so that one sub-task's consumption does not shift another's choices. */
  fork(label: string): Rng {
    return new Rng(seedFrom(`${this.state}:${label}`));
  }
}
