import type {
  applicationStatuses,
  contactKinds,
  contactSources,
  languages,
  linesOfBusiness,
  partyRoles,
  representationKinds,
} from "../db/schema/files.ts";
import type { staffRoles } from "../db/schema/offices.ts";

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type ApplicationId = Brand<string, "ApplicationId">;
export type PartyId = Brand<string, "PartyId">;
export type StaffId = Brand<string, "StaffId">;
export type OfficeCode = Brand<string, "OfficeCode">;
export type FileNumber = Brand<string, "FileNumber">;

export type LineOfBusiness = (typeof linesOfBusiness)[number];
export type ApplicationStatus = (typeof applicationStatuses)[number];
export type PartyRole = (typeof partyRoles)[number];
export type Language = (typeof languages)[number];
export type ContactKind = (typeof contactKinds)[number];
export type ContactSource = (typeof contactSources)[number];
export type RepresentationKind = (typeof representationKinds)[number];
export type StaffRole = (typeof staffRoles)[number];

export interface Party {
  id: PartyId;
  role: PartyRole;
  name: string;
  preferredLanguage: Language;
}

export interface ContactPoint {
  /** Order of recording: breaks ties between points provided in the same instant. */
  seq: number;
  partyId: PartyId;
  kind: ContactKind;
  value: string;
  source: ContactSource;
  providedAt: Date;
}

export interface RepresentationEvent {
  seq: number;
  representativeId: PartyId;
  kind: RepresentationKind;
  effectiveAt: Date;
}

/** Everything the routing rules need to know about one file, all of its history included. */
export interface FileParties {
  applicant: Party;
  representatives: Party[];
  contactPoints: ContactPoint[];
  representations: RepresentationEvent[];
}
