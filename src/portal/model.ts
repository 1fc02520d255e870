import type { professionalBodies, submissionKinds } from "../db/schema/portal.ts";

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type CounselId = Brand<string, "CounselId">;

export type ProfessionalBody = (typeof professionalBodies)[number];
export type SubmissionKind = (typeof submissionKinds)[number];
