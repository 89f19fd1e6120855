/** DomainError → HTTP status and Bifrost's error envelope (Part 1 §2). One table, used by every route. */
import { TooManyAttemptsError } from "../services/access.js";
import { AccessDeniedError, ConflictError, DomainError, RequestIdConflictError } from "../services/errors.js";
import { asDomainError } from "../services/prisma-errors.js";
import { jsonResponse } from "./http.js";

export function errorBody(status: number, message: string) {
  return { is_bifrost_error: false, status_code: status, error: { message }, extra_fields: {} };
}

export function errorResponse(status: number, message: string, headers?: Record<string, string>): Response {
  return jsonResponse(errorBody(status, message), status, headers);
}

const statusByCode: Record<string, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 400,
  UNAVAILABLE: 503,
};

/** Enforcement decisions (spec §3.2): the envelope plus Bifrost's `type`. */
export function decisionResponse(err: AccessDeniedError): Response {
  const status = err.statusCode;
  return jsonResponse({ type: err.decision, ...errorBody(status, err.message) }, status);
}

/** Maps a thrown error to a response; unknown errors are a generic 500 (never raw DB text). */
export function toErrorResponse(thrown: unknown, onUnexpected: (err: unknown) => void): Response {
  const err = asDomainError(thrown) ?? thrown; // a Prisma race (row deleted meanwhile, unique clash) is not a fault
  if (err instanceof AccessDeniedError) return decisionResponse(err);
  if (err instanceof RequestIdConflictError) return jsonResponse({ type: "request_id_conflict", ...errorBody(409, err.message) }, 409);
  if (err instanceof TooManyAttemptsError) return errorResponse(429, err.message, { "retry-after": String(err.retryAfterSeconds) });
  if (err instanceof ConflictError && err.kind === "duplicate_model_config") return errorResponse(409, err.message);
  if (err instanceof DomainError && statusByCode[err.code]) return errorResponse(statusByCode[err.code]!, err.message);
  onUnexpected(err);
  return errorResponse(500, "Internal server error");
}
