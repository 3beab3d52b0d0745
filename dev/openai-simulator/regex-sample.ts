// A small generator of strings that match a regular expression (the subset JSON Schema `pattern`s and
// zod's formats use): literals, escapes (\d \w \s \D \W \S \xHH \uHHHH …), character classes with ranges
// and negation, `.`, groups (capturing, non-capturing, named), alternation, quantifiers (* + ? {n} {n,} {n,m}),
// anchors and \b (generate nothing), lookarounds (ignored) and back-references. Callers check the result
// with a real RegExp: this is a best-effort sampler, not a proof.
import type { Rng } from "./rng";

type Range = readonly [number, number];

type Node =
  | { t: "seq"; items: Node[] }
  | { t: "alt"; options: Node[] }
  | { t: "rep"; node: Node; min: number; max: number }
  | { t: "class"; ranges: Range[]; negated: boolean }
  | { t: "lit"; ch: string }
  | { t: "group"; node: Node; index: number | null; name: string | null }
  | { t: "look"; node: Node }
  | { t: "backref"; index: number | null; name: string | null }
  | { t: "empty" };

const DIGIT: Range[] = [[0x30, 0x39]];
const WORD: Range[] = [
  [0x61, 0x7a],
  [0x41, 0x5a],
  [0x30, 0x39],
  [0x5f, 0x5f],
];
const SPACE: Range[] = [[0x20, 0x20]];
const ANY_BUT_NEWLINE: Range[] = [[0x61, 0x7a]];

class Parser {
  private pos = 0;
  private groupCount = 0;

  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.src.length) throw new Error(`Unexpected "${this.src[this.pos]}" at ${this.pos}`);
    return node;
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === "|") {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { t: "alt", options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.pos < this.src.length && this.peek() !== "|" && this.peek() !== ")") {
      items.push(this.quantified(this.atom()));
    }
    return { t: "seq", items };
  }

  private quantified(node: Node): Node {
    for (;;) {
      const ch = this.peek();
      let min: number;
      let max: number;
      if (ch === "*") [min, max] = [0, Infinity];
      else if (ch === "+") [min, max] = [1, Infinity];
      else if (ch === "?") [min, max] = [0, 1];
      else if (ch === "{") {
        const m = /^\{(\d+)(?:(,)(\d*))?\}/.exec(this.src.slice(this.pos));
        if (!m) return node;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === "" || m[3] === undefined ? Infinity : Number(m[3]);
        this.pos += m[0].length - 1;
      } else return node;
      this.pos++;
      if (this.peek() === "?") this.pos++; // lazy: same language
      node = { t: "rep", node, min, max };
    }
  }

  private atom(): Node {
    const ch = this.src[this.pos++]!;
    switch (ch) {
      case "^":
      case "$":
        return { t: "empty" };
      case ".":
        return { t: "class", ranges: ANY_BUT_NEWLINE, negated: false };
      case "[":
        return this.charClass();
      case "(":
        return this.group();
      case "\\":
        return this.escape(false);
      default:
        return { t: "lit", ch };
    }
  }

  private group(): Node {
    let index: number | null = null;
    let name: string | null = null;
    let look = false;
    if (this.src.startsWith("?:", this.pos)) this.pos += 2;
    else if (/^\?<?[=!]/.test(this.src.slice(this.pos))) {
      look = true;
      this.pos += this.src[this.pos + 1] === "<" ? 3 : 2;
    } else if (this.src.startsWith("?<", this.pos)) {
      const end = this.src.indexOf(">", this.pos);
      name = this.src.slice(this.pos + 2, end);
      this.pos = end + 1;
      index = ++this.groupCount;
    } else index = ++this.groupCount;
    const node = this.alternation();
    if (this.src[this.pos] !== ")") throw new Error("Unterminated group");
    this.pos++;
    return look ? { t: "look", node } : { t: "group", node, index, name };
  }

  private charClass(): Node {
    let negated = false;
    if (this.peek() === "^") {
      negated = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    while (this.pos < this.src.length && this.peek() !== "]") {
      const lo = this.classAtom();
      if (
        this.peek() === "-" &&
        this.src[this.pos + 1] !== "]" &&
        this.src[this.pos + 1] !== undefined &&
        !Array.isArray(lo)
      ) {
        this.pos++;
        const hi = this.classAtom();
        if (Array.isArray(hi)) {
          ranges.push([lo as number, lo as number], [0x2d, 0x2d], ...hi);
        } else ranges.push([lo as number, hi as number]);
      } else if (Array.isArray(lo)) ranges.push(...lo);
      else ranges.push([lo as number, lo as number]);
    }
    if (this.peek() !== "]") throw new Error("Unterminated character class");
    this.pos++;
    return { t: "class", ranges, negated };
  }

  /** A code point, or a set of ranges for shorthand escapes. */
  private classAtom(): number | Range[] {
    const ch = this.src[this.pos++]!;
    if (ch !== "\\") return ch.codePointAt(0)!;
    const node = this.escape(true);
    if (node.t === "lit") return node.ch.codePointAt(0)!;
    if (node.t === "class") return node.negated ? [] : node.ranges;
    return [];
  }

  private escape(inClass: boolean): Node {
    const ch = this.src[this.pos++];
    if (ch === undefined) return { t: "lit", ch: "\\" };
    switch (ch) {
      case "d":
        return { t: "class", ranges: DIGIT, negated: false };
      case "D":
        return { t: "class", ranges: DIGIT, negated: true };
      case "w":
        return { t: "class", ranges: WORD, negated: false };
      case "W":
        return { t: "class", ranges: WORD, negated: true };
      case "s":
        return { t: "class", ranges: SPACE, negated: false };
      case "S":
        return { t: "class", ranges: SPACE, negated: true };
      case "b":
        return inClass ? { t: "lit", ch: "\b" } : { t: "empty" };
      case "B":
        return { t: "empty" };
      case "n":
        return { t: "lit", ch: "\n" };
      case "r":
        return { t: "lit", ch: "\r" };
      case "t":
        return { t: "lit", ch: "\t" };
      case "v":
        return { t: "lit", ch: "\v" };
      case "f":
        return { t: "lit", ch: "\f" };
      case "0":
        return { t: "lit", ch: "\0" };
      case "x": {
        const hex = this.src.slice(this.pos, this.pos + 2);
        this.pos += 2;
        return { t: "lit", ch: String.fromCodePoint(Number.parseInt(hex, 16)) };
      }
      case "u": {
        if (this.peek() === "{") {
          const end = this.src.indexOf("}", this.pos);
          const cp = Number.parseInt(this.src.slice(this.pos + 1, end), 16);
          this.pos = end + 1;
          return { t: "lit", ch: String.fromCodePoint(cp) };
        }
        const hex = this.src.slice(this.pos, this.pos + 4);
        this.pos += 4;
        return { t: "lit", ch: String.fromCharCode(Number.parseInt(hex, 16)) };
      }
      case "p":
      case "P": {
        let prop = "";
        if (this.peek() === "{") {
          const end = this.src.indexOf("}", this.pos);
          prop = this.src.slice(this.pos + 1, end);
          this.pos = end + 1;
        }
        const ranges = /^(N|Nd|Number|Decimal_Number)$/.test(prop) ? DIGIT : WORD.slice(0, 2);
        return { t: "class", ranges, negated: ch === "P" };
      }
      case "k": {
        if (this.peek() === "<") {
          const end = this.src.indexOf(">", this.pos);
          const name = this.src.slice(this.pos + 1, end);
          this.pos = end + 1;
          return { t: "backref", index: null, name };
        }
        return { t: "lit", ch: "k" };
      }
      default:
        if (!inClass && /[1-9]/.test(ch)) {
          let digits = ch;
          while (/[0-9]/.test(this.peek() ?? "")) digits += this.src[this.pos++];
          return { t: "backref", index: Number(digits), name: null };
        }
        return { t: "lit", ch };
    }
  }
}

const PREFERRED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.";

function inRanges(cp: number, ranges: readonly Range[]): boolean {
  return ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
}

export interface RegexSampleOptions {
  rng: Rng;
  /** Extra repetitions for every quantifier whose maximum allows them (to reach a minLength). */
  extra?: number;
  /** Alternation: always the first option, or one chosen by the rng. */
  alternatives?: "first" | "random";
}

/** A string for `pattern` (not guaranteed to match: check it). Throws on a pattern it cannot parse. */
export function sampleRegex(pattern: string, options: RegexSampleOptions): string {
  const ast = new Parser(pattern).parse();
  const { rng, extra = 0, alternatives = "first" } = options;
  const captures = new Map<number | string, string>();

  const charFrom = (ranges: readonly Range[], negated: boolean): string => {
    if (negated) {
      for (const c of PREFERRED) if (!inRanges(c.codePointAt(0)!, ranges)) return c;
      for (let cp = 0x21; cp < 0x7f; cp++) if (!inRanges(cp, ranges)) return String.fromCodePoint(cp);
      return "\u00e9";
    }
    if (ranges.length === 0) return "";
    // Prefer readable characters that fall in the class.
    const readable = [...PREFERRED].filter((c) => inRanges(c.codePointAt(0)!, ranges));
    if (readable.length > 0) return rng.pick(readable);
    const [lo, hi] = rng.pick(ranges);
    return String.fromCodePoint(rng.int(lo, hi));
  };

  const gen = (node: Node): string => {
    switch (node.t) {
      case "seq":
        return node.items.map(gen).join("");
      case "alt":
        return gen(alternatives === "first" ? node.options[0]! : rng.pick(node.options));
      case "rep": {
        const count = Math.min(node.max, node.min + extra);
        let out = "";
        for (let i = 0; i < count; i++) out += gen(node.node);
        return out;
      }
      case "class":
        return charFrom(node.ranges, node.negated);
      case "lit":
        return node.ch;
      case "group": {
        const text = gen(node.node);
        if (node.index !== null) captures.set(node.index, text);
        if (node.name !== null) captures.set(node.name, text);
        return text;
      }
      case "look":
      case "empty":
        return "";
      case "backref":
        return captures.get(node.name ?? node.index ?? -1) ?? "";
    }
  };
  return gen(ast);
}

/** Compiles a JSON Schema pattern (ECMA-262, no flags; retried with the `u` flag for \p{…}). */
export function compilePattern(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern);
  } catch {
    try {
      return new RegExp(pattern, "u");
    } catch {
      return null;
    }
  }
}
