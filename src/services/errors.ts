/**
 * Domain errors: stable `code`, a human message, optional details. No HTTP or GraphQL here;
 * src/rest/errors.ts and src/graphql/errors.ts each map them once.
 */
/** Longest message a DomainError carries: messages quote input, and at most ~100 characters of it (issue #9). */
const MAX_MESSAGE = 240;
const bounded = (message: string) => (message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE)}…`);

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(bounded(message));
    this.name = new.target.name;
  }
}

export interface FieldIssue {
  /** Path of the offending field in the input, e.g. ["budget", "maxLimit"]. */
  path: (string | number)[];
  message: string;
}

/** Bad input. `message` is the first issue's message (the Bifrost text); `issues` lists all of them. */
export class ValidationError extends DomainError {
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[] = [{ path: [], message }]) {
    const boundedIssues = issues.map((i) => ({ ...i, message: bounded(i.message) }));
    super("VALIDATION", message, { issues: boundedIssues });
    this.issues = boundedIssues;
  }
}

export type EntityName =
  | "Customer"
  | "Team"
  | "Virtual key"
  | "Budget"
  | "Rate limit"
  | "Model config"
  | "Provider"
  | "Provider key"
  | "MCP client"
  | "Pricing override"
  | "Model price"
  | "Management key"
  | "Audit event"
  | "Node";

/** The addressed entity (by id in a path or argument) does not exist. */
export class NotFoundError extends DomainError {
  constructor(
    readonly entity: EntityName,
    message = `${entity} not found`,
  ) {
    super("NOT_FOUND", message, { entity });
  }
}

/** A uniqueness rule would be broken. `kind` lets the REST layer keep Bifrost's statuses (409 only for model configs). */
export class ConflictError extends DomainError {
  constructor(
    message: string,
    readonly kind: "duplicate_name" | "duplicate_model_config" | "duplicate" = "duplicate_name",
  ) {
    super("CONFLICT", message, { kind });
  }
}

/** The single message Bifrost uses for a unique-name violation. */
export const DUPLICATE_NAME_MESSAGE = "a record with this name already exists. Please use a different value";

/** Bifrost's governance decisions that deny a request (spec §3.2). */
export type DenyDecision =
  | "virtual_key_required"
  | "virtual_key_not_found"
  | "virtual_key_blocked"
  | "provider_blocked"
  | "model_blocked"
  | "token_limited"
  | "request_limited"
  | "rate_limited"
  | "budget_exceeded";

/** Enforcement said no: `decision` is Bifrost's type, `message` its reason text. */
/** Each decision's status code: part of Bifrost's decision contract (spec §3.2), carried in the body too. */
export const DECISION_STATUS: Readonly<Record<DenyDecision, 401 | 402 | 403 | 429>> = {
  virtual_key_required: 401,
  virtual_key_not_found: 403,
  virtual_key_blocked: 403,
  provider_blocked: 403,
  model_blocked: 403,
  token_limited: 429,
  request_limited: 429,
  rate_limited: 429,
  budget_exceeded: 402,
};

export class AccessDeniedError extends DomainError {
  constructor(
    readonly decision: DenyDecision,
    message: string,
  ) {
    super("ACCESS_DENIED", message, { decision });
  }

  get statusCode(): number {
    return DECISION_STATUS[this.decision];
  }
}

/** A transient condition (e.g. configuration changing under a check); the caller may retry. */
export class UnavailableError extends DomainError {
  constructor(message: string) {
    super("UNAVAILABLE", message);
  }
}

/**
 * A request id already belongs to another request: reserved by another key or for another provider/model, or
 * already recorded (a check), or reserved/recorded by another key (a record). Nothing was charged or changed.
 */
export class RequestIdConflictError extends DomainError {
  constructor(message = "request_id is already used by another request") {
    super("REQUEST_ID_CONFLICT", message);
  }
}
