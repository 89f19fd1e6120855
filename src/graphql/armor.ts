/**
 * GraphQL hardening (issue #9), with graphql-armor's plugins where one exists: a document is refused before it
 * costs memory or CPU — too long (MAX_DOCUMENT_CHARS, checked before parsing), too many tokens (parsing stops),
 * too many aliases or directives, or more than MAX_ENFORCEMENT_FIELDS checkAccess/recordUsage fields (each one
 * reserves or records a request). Depth and cost are the complexity rule's (yoga.ts). The parse cache is bounded
 * in characters, and large documents are never cached. Field suggestions ("Did you mean …?") are hidden when
 * introspection is off, so the schema cannot be guessed field by field.
 */
import { blockFieldSuggestionsPlugin } from "@escape.tech/graphql-armor-block-field-suggestions";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import { Kind, type ASTVisitor, type DocumentNode, type SelectionSetNode, type ValidationContext } from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";

export const MAX_DOCUMENT_CHARS = 64 * 1024;
export const MAX_TOKENS = 3_000;
export const MAX_ALIASES = 30;
export const MAX_DIRECTIVES = 30;
export const MAX_ENFORCEMENT_FIELDS = 20;
/** Documents longer than this are parsed every time (never cached); the cache holds at most CACHE_CHARS of source. */
const CACHE_DOCUMENT_CHARS = 8 * 1024;
const CACHE_CHARS = 2 * 1024 * 1024;

/** A map with least-recently-used eviction, bounded by the total length of its keys (the documents' text). */
export class CharBoundedCache<T> {
  private readonly entries = new Map<string, T>();
  private chars = 0;
  constructor(
    private readonly maxChars: number,
    private readonly maxKeyChars: number,
  ) {}

  get(key: string): T | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) this.entries.delete(key), this.entries.set(key, value); // most recent last
    return value;
  }

  set(key: string, value: T): void {
    if (key.length > this.maxKeyChars) return;
    if (this.entries.delete(key)) this.chars -= key.length;
    this.entries.set(key, value);
    this.chars += key.length;
    for (const oldest of this.entries.keys()) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** yoga's parserAndValidationCache option: documents and parse errors bounded in characters; no validation cache. */
export function boundedParserCache() {
  return {
    documentCache: new CharBoundedCache<DocumentNode>(CACHE_CHARS, CACHE_DOCUMENT_CHARS),
    errorCache: new CharBoundedCache<unknown>(CACHE_CHARS, CACHE_DOCUMENT_CHARS),
    // The complexity rule depends on the variables, so a validation result must not be reused for the same text.
    validationCache: false,
  };
}

/** Refuses a document longer than MAX_DOCUMENT_CHARS before yoga parses (or caches) it. */
const maxDocumentSize: Plugin = {
  onParams: ({ params, setResult }) => {
    if (typeof params.query === "string" && params.query.length > MAX_DOCUMENT_CHARS) {
      setResult({ errors: [createGraphQLError(`Document too large: at most ${MAX_DOCUMENT_CHARS} characters.`, { extensions: { code: "DOCUMENT_TOO_LARGE" } })] });
    }
  },
};

const ENFORCEMENT_FIELDS = new Set(["checkAccess", "recordUsage"]);

/** Counts checkAccess/recordUsage among an operation's root fields (through fragments, each fragment once per path). */
function enforcementFieldsRule(context: ValidationContext): ASTVisitor {
  const count = (set: SelectionSetNode, seen: Set<string>): number => {
    let n = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) n += ENFORCEMENT_FIELDS.has(s.name.value) ? 1 : 0;
      else if (s.kind === Kind.INLINE_FRAGMENT) n += count(s.selectionSet, seen);
      else if (!seen.has(s.name.value)) {
        const fragment = context.getFragment(s.name.value);
        if (fragment) n += count(fragment.selectionSet, new Set([...seen, s.name.value]));
      }
    }
    return n;
  };
  return {
    OperationDefinition(node) {
      if (node.operation !== "mutation") return;
      const n = count(node.selectionSet, new Set());
      if (n > MAX_ENFORCEMENT_FIELDS) {
        context.reportError(
          createGraphQLError(`At most ${MAX_ENFORCEMENT_FIELDS} checkAccess/recordUsage fields per operation (found ${n}).`, {
            nodes: [node],
            extensions: { code: "TOO_MANY_ENFORCEMENT_FIELDS" },
          }),
        );
      }
    },
  };
}

const enforcementFieldLimit: Plugin = {
  onValidate: ({ addValidationRule }) => addValidationRule(enforcementFieldsRule),
};

/** The armor plugins, in the order they act: size, tokens (parse), aliases, directives, enforcement fields (validate). */
export function armorPlugins(options: { introspection: boolean }): Plugin[] {
  const plugins: Plugin[] = [
    maxDocumentSize,
    maxTokensPlugin({ n: MAX_TOKENS }),
    maxAliasesPlugin({ n: MAX_ALIASES, allowList: [] }),
    maxDirectivesPlugin({ n: MAX_DIRECTIVES }),
    enforcementFieldLimit,
  ];
  if (!options.introspection) plugins.push(blockFieldSuggestionsPlugin());
  return plugins;
}
