import type { StaffRole } from "../files/model.ts";

// The demo's offices and people. Fictional: the mailboxes are on the reserved ".example" domain
// (RFC 2606) and the names belong to no one. The subjects are what the development identity provider
// signs people in as (the OIDC `sub`); its sign-in page lists them.

export interface DemoOffice {
  code: string;
  nameEn: string;
  nameFr: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** IANA time zone in which the office's people read dates. */
  timeZone: string;
  /** C-7: letters leave from this address, never from a person's. */
  genericMailbox: string;
}

export const demoOffices: readonly DemoOffice[] = [
  {
    code: "MTL",
    nameEn: "Montréal Processing Centre",
    nameFr: "Centre de traitement de Montréal",
    country: "CA",
    timeZone: "America/Toronto",
    genericMailbox: "ircc.mtl-correspondance@ircc.example",
  },
  {
    code: "VAN",
    nameEn: "Vancouver Processing Centre",
    nameFr: "Centre de traitement de Vancouver",
    country: "CA",
    timeZone: "America/Vancouver",
    genericMailbox: "ircc.van-correspondence@ircc.example",
  },
  {
    // A visa office abroad: its dates are read in Paris, and per-country response periods (C-6) differ.
    code: "PAR",
    nameEn: "Visa Office in Paris",
    nameFr: "Bureau des visas de Paris",
    country: "FR",
    timeZone: "Europe/Paris",
    genericMailbox: "ircc.par-correspondance@ircc.example",
  },
];

export interface DemoStaffMember {
  /** The OIDC `sub` the development identity provider signs this person in as. */
  subject: string;
  name: string;
  postings: { officeCode: string; role: StaffRole }[];
  /** What signing in as this person lets you try, for the development sign-in page. */
  description: { en: string; fr: string };
}

export const demoStaff: readonly DemoStaffMember[] = [
  {
    subject: "agent.mtl",
    name: "Camille Tremblay",
    postings: [{ officeCode: "MTL", role: "agent" }],
    description: {
      en: "Agent at the Montréal Processing Centre: sees and works on MTL files only.",
      fr: "Agente au Centre de traitement de Montréal : voit et traite les dossiers de MTL seulement.",
    },
  },
  {
    subject: "agent.van",
    name: "Ethan MacLeod",
    postings: [{ officeCode: "VAN", role: "agent" }],
    description: {
      en: "Agent at the Vancouver Processing Centre: sees and works on VAN files only.",
      fr: "Agent au Centre de traitement de Vancouver : voit et traite les dossiers de VAN seulement.",
    },
  },
  {
    subject: "agent.par",
    name: "Aminata Diallo",
    postings: [{ officeCode: "PAR", role: "agent" }],
    description: {
      en: "Agent at the Visa Office in Paris (abroad): sees and works on PAR files only.",
      fr: "Agente au Bureau des visas de Paris (à l'étranger) : voit et traite les dossiers de PAR seulement.",
    },
  },
  {
    subject: "decideur.mtl",
    name: "Louis-Philippe Gagnon",
    postings: [
      { officeCode: "MTL", role: "agent" },
      { officeCode: "MTL", role: "decision-maker" },
    ],
    description: {
      en: "Decision-maker at Montréal: an agent who also decides reconsideration and reactivation requests.",
      fr: "Décideur à Montréal : agent qui tranche aussi les demandes de réexamen et de réactivation.",
    },
  },
  {
    subject: "admin.mtl",
    name: "Geneviève Côté",
    postings: [{ officeCode: "MTL", role: "office-admin" }],
    description: {
      en: "Office administrator at Montréal: generic mailbox, templates, response periods and sending rate of MTL.",
      fr: "Administratrice du bureau de Montréal : boîte générique, modèles, délais de réponse et cadence d’envoi de MTL.",
    },
  },
  {
    subject: "admin.van",
    name: "Priya Raman",
    postings: [{ officeCode: "VAN", role: "office-admin" }],
    description: {
      en: "Office administrator at Vancouver: generic mailbox, templates, response periods and sending rate of VAN.",
      fr: "Administratrice du bureau de Vancouver : boîte générique, modèles, délais de réponse et cadence d’envoi de VAN.",
    },
  },
  {
    subject: "auditeur",
    name: "Margaret O'Sullivan",
    postings: [
      { officeCode: "MTL", role: "auditor" },
      { officeCode: "VAN", role: "auditor" },
      { officeCode: "PAR", role: "auditor" },
    ],
    description: {
      en: "Auditor posted to all three offices: reads records, evidence and the ledger, changes nothing.",
      fr: "Vérificatrice affectée aux trois bureaux : consulte dossiers, preuves et registre, sans rien modifier.",
    },
  },
  {
    subject: "soutien",
    name: "Karim Haddad",
    postings: [
      { officeCode: "MTL", role: "support-agent" },
      { officeCode: "VAN", role: "support-agent" },
      { officeCode: "PAR", role: "support-agent" },
    ],
    description: {
      en: "Client support agent for all three offices: answers inquiries and callbacks, does not open files.",
      fr: "Agent du soutien à la clientèle des trois bureaux : répond aux demandes et rappels, n'ouvre pas les dossiers.",
    },
  },
];
