import { type ErrorCode, errorCatalogue } from "../errors.ts";
import { en, type MessageKey } from "./en.ts";
import { fr } from "./fr.ts";

export type Lang = "en" | "fr";
export const langs: readonly Lang[] = ["en", "fr"];

const catalogues: Record<Lang, Record<MessageKey, string>> = { en, fr };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const messages = catalogues[lang];
  return (key, params) => {
    const text = messages[key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  };
}

export function errorKey(code: ErrorCode): MessageKey {
  return `error.${code}` as MessageKey;
}

/** Every error code has its text in both languages (checked by a test, and here for the type checker). */
export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

/** Dates and times as people of each language read them, in the office's time zone. */
export function formatInstant(lang: Lang, at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(lang === "fr" ? "fr-CA" : "en-CA", {
    timeZone,
    dateStyle: "long",
    timeStyle: "short",
  }).format(at);
}

export function formatDate(lang: Lang, isoDate: string): string {
  return new Intl.DateTimeFormat(lang === "fr" ? "fr-CA" : "en-CA", {
    dateStyle: "long",
    timeZone: "UTC",
  }).format(new Date(`${isoDate}T00:00:00Z`));
}
