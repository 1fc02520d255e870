import pino, { type Logger } from "pino";

/**
 * Logs never carry personal information: request lines hold the route pattern, not the URL; errors hold
 * their kind and stack, not their message. These paths are redacted too, as a second line of defence.
 */
export const redactedPaths = [
  "email",
  "*.email",
  "name",
  "*.name",
  "address",
  "*.address",
  "value",
  "*.value",
  "number",
  "*.number",
  "req.headers.cookie",
  "req.headers.authorization",
  "*.headers.cookie",
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: redactedPaths, censor: "[redacted]" }, base: { service: "liaison" } },
    destination as pino.DestinationStream | undefined,
  );
}
