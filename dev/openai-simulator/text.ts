// Deterministic text: the coach-like chat reply and the transcription text.
import { Rng } from "./rng";

const OPENERS = [
  "Good question, and thanks for being specific.",
  "Let's make this practical.",
  "Here's how I'd approach it as your coach.",
  "That's a common sticking point, and it's very workable.",
  "Nice — you're already asking the right thing.",
  "Let's break this down into something you can act on today.",
  "I like where your head is at with this.",
  "Okay, let's turn this into a plan.",
];

const ADVICE = [
  "Start with one small, repeatable action you can do in under ten minutes.",
  "Pick a fixed time of day for it so the decision is already made.",
  "Write down what a good week looks like, then work backwards to a single daily step.",
  "Track only one number for the next seven days; more than that becomes noise.",
  "When motivation dips, shrink the task instead of skipping it.",
  "Notice what usually derails you and plan the response before it happens.",
  "Ask for feedback early, while changes are still cheap.",
  "Pair the new habit with something you already do every day.",
  "Set a clear finish line for each session so you stop while it still feels good.",
  "Review progress on Sunday: keep what worked, drop what didn't.",
  "Protect your recovery — sleep and breaks are part of the work, not a reward for it.",
  "Make the first step embarrassingly easy; consistency beats intensity at the start.",
  "Say your goal out loud to one person who will check in with you.",
  "Expect a rough patch around day four and decide now how you'll handle it.",
];

const CLOSERS = [
  "What's one step you could take in the next 24 hours?",
  "Which part of this feels hardest for you right now?",
  "How would you know, a week from now, that this is working?",
  "Want to set a check-in so we can adjust together?",
  "What would make this ten percent easier to start?",
  "Does that fit your schedule, or should we scale it down?",
];

const STOP_WORDS = new Set(
  "a an the and or but if to of in on at for with from by is are was were be been am i me my we our you your it its this that these those how what why when where which who do does did can could should would will shall may might have has had not no so as about into than then there here just very really get got".split(
    " ",
  ),
);

/** The words a reply echoes back: the first meaningful words of the message, in order. */
export function topicOf(message: string, maxWords = 8): string {
  const words = message
    .replace(/[^\p{L}\p{N}'\s-]/gu, " ")
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const meaningful = words.filter((w) => !STOP_WORDS.has(w.toLowerCase()));
  const chosen = (meaningful.length > 0 ? meaningful : words).slice(0, maxWords);
  return chosen.join(" ").toLowerCase();
}

/**
 * A coach-like reply derived only from `lastUserMessage` (seeded by its SHA-256): an opener, a line
 * echoing the message's topic, advice sentences added until the reply reaches a seeded target of
 * 50–110 tokens (never above 120), and a closing question.
 */
export function coachReply(lastUserMessage: string, countTokens: (text: string) => number, variant = 0): string {
  const rng = new Rng(`coach:${variant}:${lastUserMessage}`);
  const topic = topicOf(lastUserMessage);
  const opener = rng.pick(OPENERS);
  const echo = topic.length > 0 ? `You asked about "${topic}".` : "Thanks for sharing that.";
  const closer = rng.pick(CLOSERS);
  const advice = [...ADVICE];
  // Seeded Fisher–Yates shuffle.
  for (let i = advice.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [advice[i], advice[j]] = [advice[j]!, advice[i]!];
  }
  const target = rng.int(50, 110);
  const chosen: string[] = [];
  const render = (body: string[]) => [opener, echo, ...body, closer].join(" ");
  for (const sentence of advice) {
    const next = render([...chosen, sentence]);
    if (countTokens(next) > 120) break;
    chosen.push(sentence);
    if (countTokens(next) >= target) break;
  }
  return render(chosen);
}

/** A short deterministic object for `response_format: { type: "json_object" }`. */
export function jsonObjectReply(lastUserMessage: string): Record<string, unknown> {
  const rng = new Rng(`json:${lastUserMessage}`);
  return {
    topic: topicOf(lastUserMessage, 5) || "general",
    advice: rng.pick(ADVICE),
    next_step: rng.pick(CLOSERS),
    confidence: Math.round(rng.next() * 100) / 100,
  };
}

const SPOKEN = [
  "okay so this week I want to focus on getting more consistent",
  "I managed three sessions but skipped the last one",
  "mostly because work ran late on Thursday",
  "I think the morning slot works better for me",
  "my goal is to feel less rushed in the evenings",
  "I'm not sure how to keep going when I lose motivation",
  "last time the check-in really helped",
  "can we talk about a plan for the next two weeks",
  "sleep has been better since I stopped using my phone in bed",
  "I want something small that I can actually stick to",
];

/** Words per second of simulated speech (150 words per minute). */
export const SPOKEN_WORDS_PER_SECOND = 2.5;

/** A transcript of about `seconds × 2.5` words (at least 3), seeded by the audio bytes' hash. */
export function transcriptFor(audioHash: string, seconds: number): string {
  const rng = new Rng(`transcript:${audioHash}`);
  const wanted = Math.max(3, Math.round(seconds * SPOKEN_WORDS_PER_SECOND));
  const words: string[] = [];
  const sentences: string[] = [];
  while (words.length < wanted) {
    const phrase = rng.pick(SPOKEN).split(" ");
    const take = phrase.slice(0, wanted - words.length);
    words.push(...take);
    sentences.push(take.join(" "));
  }
  return sentences.map((s) => `${s.charAt(0).toUpperCase()}${s.slice(1)}.`).join(" ");
}
