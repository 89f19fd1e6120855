import { pino, type Logger } from "pino";

/** Structured logs. Virtual key values and provider secrets are redacted wherever they appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ["value", "*.value", "*.*.value", "headers.authorization", "headers['x-bf-vk']", "headers['x-api-key']", "headers['x-goog-api-key']", "headers['api-key']"],
      censor: "[redacted]",
    },
  });
}
export type { Logger };
