/**
 * Model lists (`allowed_models`, `blacklisted_models`): each entry is an exact model name (`*` = every model)
 * or `regex:<pattern>`. Patterns come from API callers and run on the enforcement hot path, so they are
 * compiled with re2js (a port of RE2: matching time is linear in the model name, whatever the pattern) and
 * additionally refused when a backtracking engine would explode on them (nested unbounded repetition such as
 * `(a+)+`): the stored list must stay safe for any gateway that evaluates it with another engine.
 * A pattern matches when it matches the WHOLE model name (anchored, like an exact entry); write `.*` for more.
 */
import { RE2JS } from "re2js";

export const REGEX_PREFIX = "regex:";
const MAX_PATTERN_LENGTH = 256;

export const isPattern = (entry: string) => entry.startsWith(REGEX_PREFIX);

/** Why a `regex:` entry is refused, or null when it is usable. Exact names are never refused here. */
export function patternProblem(entry: string): string | null {
  if (!isPattern(entry)) return null;
  const source = entry.slice(REGEX_PREFIX.length);
  if (source.trim() === "") return "empty pattern";
  if (source === "*") return "'*' is not a pattern (use the plain entry \"*\")";
  if (source.length > MAX_PATTERN_LENGTH) return `pattern longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    RE2JS.compile(source);
  } catch (err) {
    return (err as Error).message.replace(/^error parsing regexp: /, "");
  }
  if (nestedRepetition(source)) return "nested repetition (e.g. (a+)+) could backtrack catastrophically";
  return null;
}

/** True when a group that contains an unbounded repetition is itself repeated: `(a+)+`, `(a*)*`, `(?:x+y)+`. */
function nestedRepetition(source: string): boolean {
  const groups: boolean[] = []; // per open group: contains an unbounded repetition
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      if (source[i + 1] === "]") i++;
      continue;
    }
    if (c === "(") groups.push(false);
    else if (c === ")") {
      const inner = groups.pop() ?? false;
      const repeated = unboundedAt(source, i + 1);
      if (inner && repeated) return true;
      if ((inner || repeated) && groups.length) groups[groups.length - 1] = true;
    } else if (unboundedAt(source, i) && groups.length) groups[groups.length - 1] = true;
  }
  return false;
}

/** Whether an unbounded repetition operator (`*`, `+`, `{n,}`) starts at `i`. */
function unboundedAt(source: string, i: number): boolean {
  const c = source[i];
  if (c === "*" || c === "+") return true;
  return c === "{" && /^\{\d+,\}/.test(source.slice(i, i + 12));
}

/** A list compiled once (per cached key configuration): exact names in a set, patterns as RE2 programs. */
export interface ModelMatcher {
  matches(provider: string, model: string): boolean;
}

export function compileModelList(entries: readonly string[]): ModelMatcher {
  const exact = new Set<string>();
  const patterns: RE2JS[] = [];
  for (const e of entries) {
    if (!isPattern(e)) exact.add(e);
    else if (patternProblem(e) === null) patterns.push(RE2JS.compile(e.slice(REGEX_PREFIX.length)));
    // A stored pattern that no longer compiles matches nothing (it was validated on write).
  }
  return {
    matches(provider, model) {
      if (exact.has("*") || exact.has(model) || exact.has(`${provider}/${model}`)) return true;
      return patterns.some((p) => p.testExact(model) || p.testExact(`${provider}/${model}`));
    },
  };
}
