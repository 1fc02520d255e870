import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { PgInsertValue, PgTable } from "drizzle-orm/pg-core";
import { recordAudit } from "../audit/record.ts";
import type { Clock } from "../clock.ts";
import type { Executor } from "../db/client.ts";
import {
  applicationStatuses,
  applications,
  type contactPoints,
  parties,
  representations,
} from "../db/schema/files.ts";
import { offices, postings, staff } from "../db/schema/offices.ts";
import type {
  ApplicationStatus,
  ContactKind,
  ContactSource,
  Language,
  LineOfBusiness,
  RepresentationKind,
} from "../files/model.ts";
import type { RoutingReason } from "../files/rules.ts";
import { recordContactPoints } from "../files/store.ts";
import { instantToWallTime, wallTimeToInstant } from "../time-zones.ts";
import { loadPortalDemo } from "./portal.ts";
import { type DemoOffice, demoOffices, demoStaff } from "./staff.ts";

// The demo data: three offices, their people, and about 200 files whose parties and contact-point
// histories cover every routing case of files/rules.ts (C-1..C-4). It is generated from a fixed seed, so
// every machine gets the same files; every instant is "now minus some days" from the injected clock, so
// nothing is ever in the future and the deadlines of later features fall at sensible distances.

/** The routing situations the demo files cover. Each showcase file shows one of them. */
export type DemoScenario =
  | "representative-with-email"
  | "representative-without-email"
  | "applicant-form-email"
  | "applicant-wrote-by-email"
  | "applicant-postal-only"
  | "applicant-phone-email"
  | "applicant-email-superseded"
  | "representative-withdrawn"
  | "representative-declared-later"
  | "representative-replaced"
  | "no-address";

export interface DemoShowcaseEntry {
  number: string;
  scenario: DemoScenario;
  /** What the file shows, for a person trying the product. */
  case: string;
  caseFr: string;
  /** The routing reason `routeCorrespondence` gives for this file now. */
  routing: RoutingReason;
}

/**
 * The first files of the Montréal office, one per routing case, so a person trying the product can open
 * each situation by its number. Every one is open, so letters can be composed on it.
 */
export const demoShowcase: readonly DemoShowcaseEntry[] = [
  {
    number: "E000000001",
    scenario: "representative-with-email",
    routing: "representative-email",
    case: "Representative declared on IMM 5476 with an email address: all correspondence goes to the representative by email (C-3), although the applicant also gave an email address.",
    caseFr:
      "Représentant déclaré sur l'IMM 5476 avec une adresse courriel : toute la correspondance va au représentant par courriel (C-3), même si le demandeur a aussi donné un courriel.",
  },
  {
    number: "E000000002",
    scenario: "representative-without-email",
    routing: "representative-post",
    case: "Representative declared on IMM 5476 without an email address: letters go to the representative by post.",
    caseFr:
      "Représentant déclaré sur l'IMM 5476 sans adresse courriel : les lettres vont au représentant par la poste.",
  },
  {
    number: "E000000003",
    scenario: "applicant-form-email",
    routing: "applicant-email",
    case: "Applicant gave an email address on the application form: that is consent, letters go by email (C-2).",
    caseFr:
      "Le demandeur a inscrit un courriel sur le formulaire de demande : c'est un consentement, les lettres partent par courriel (C-2).",
  },
  {
    number: "E000000004",
    scenario: "applicant-wrote-by-email",
    routing: "applicant-email",
    case: "Applicant gave only a postal address on the form, then wrote to the office by email: the address they wrote from is consent (C-2).",
    caseFr:
      "Le demandeur n'a donné qu'une adresse postale sur le formulaire, puis a écrit au bureau par courriel : l'adresse d'envoi vaut consentement (C-2).",
  },
  {
    number: "E000000005",
    scenario: "applicant-postal-only",
    routing: "applicant-post",
    case: "Applicant gave only a postal address: letters go by post (C-4).",
    caseFr: "Le demandeur n'a donné qu'une adresse postale : les lettres partent par la poste (C-4).",
  },
  {
    number: "E000000006",
    scenario: "applicant-phone-email",
    routing: "applicant-post",
    case: "Applicant's email address was given over the phone: it is recorded, but it is not consent, so letters go by post (C-1).",
    caseFr:
      "Le courriel du demandeur a été donné au téléphone : il est consigné, mais ce n'est pas un consentement, les lettres partent donc par la poste (C-1).",
  },
  {
    number: "C000000007",
    scenario: "applicant-email-superseded",
    routing: "applicant-email",
    case: "Citizenship file whose applicant changed email address twice (three addresses in the history) and moved once: letters go to the newest address only.",
    caseFr:
      "Dossier de citoyenneté dont le demandeur a changé deux fois de courriel (trois adresses dans l'historique) et a déménagé une fois : les lettres vont à la plus récente seulement.",
  },
  {
    number: "E000000008",
    scenario: "representative-withdrawn",
    routing: "applicant-email",
    case: "Representative declared, then the IMM 5476 was withdrawn: correspondence goes back to the applicant, by email.",
    caseFr:
      "Représentant déclaré, puis retrait de l'IMM 5476 : la correspondance revient au demandeur, par courriel.",
  },
  {
    number: "R000000009",
    scenario: "representative-declared-later",
    routing: "representative-email",
    case: "Refugee file whose representative was declared after the application was received: the applicant was written to until then, the representative since.",
    caseFr:
      "Dossier de réfugié dont le représentant a été déclaré après la réception de la demande : on écrivait au demandeur jusque-là, au représentant depuis.",
  },
  {
    number: "E000000010",
    scenario: "representative-replaced",
    routing: "representative-email",
    case: "Change of representative: the first one withdrew, a second was declared; correspondence goes to the second, by email.",
    caseFr:
      "Changement de représentant : le premier s'est retiré, un second a été déclaré ; la correspondance va au second, par courriel.",
  },
  {
    number: "E000000011",
    scenario: "no-address",
    routing: "no-address",
    case: "No address at all on file: no letter can leave until an agent records one.",
    caseFr: "Aucune adresse au dossier : aucune lettre ne peut partir avant qu'un agent en consigne une.",
  },
];

export const defaultDemoApplications = 200;

const SEED = 0x11a150;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------------------
// A tiny deterministic PRNG (mulberry32): the same seed gives the same files on every machine.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.#next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.#next() * items.length)];
    if (item === undefined) throw new RangeError("pick from an empty list");
    return item;
  }
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.#next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new RangeError("weighted pick from an empty list");
    return last[0];
  }
  /** An instant in [from, to) in epoch milliseconds, rounded to the minute; `from` when the span is empty. */
  between(from: number, to: number): number {
    if (to <= from) return from;
    return from + Math.floor((this.#next() * (to - from)) / MINUTE) * MINUTE;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Fictional people. Names are drawn within one origin so given and family names go together.

type OfficeCodeKey = "MTL" | "VAN" | "PAR";

interface NamePool {
  given: readonly string[];
  family: readonly string[];
  weight: Record<OfficeCodeKey, number>;
}

const namePools: readonly NamePool[] = [
  {
    given: [
      "Marie-Ève",
      "Jean-François",
      "Sylvie",
      "Mathieu",
      "Chantal",
      "Étienne",
      "Josée",
      "Benoît",
      "Isabelle",
      "Olivier",
    ],
    family: [
      "Bouchard",
      "Lévesque",
      "Pelletier",
      "Bélanger",
      "Fortin",
      "Gauthier",
      "Morin",
      "Lavoie",
      "Ouellet",
      "Côté",
    ],
    weight: { MTL: 16, VAN: 3, PAR: 2 },
  },
  {
    given: [
      "Hélène",
      "Thibault",
      "Claire",
      "Antoine",
      "Léa",
      "Maxime",
      "Élodie",
      "Julien",
      "Margaux",
      "Baptiste",
    ],
    family: [
      "Lefèvre",
      "Moreau",
      "Girard",
      "Fontaine",
      "Rousseau",
      "Mercier",
      "Blanchard",
      "Chevalier",
      "Garnier",
      "Faure",
    ],
    weight: { MTL: 8, VAN: 2, PAR: 20 },
  },
  {
    given: ["Emily", "James", "Olivia", "Liam", "Hannah", "Noah", "Grace", "Owen", "Chloe", "Ryan"],
    family: [
      "Thompson",
      "Campbell",
      "Fraser",
      "Wilson",
      "Anderson",
      "Murray",
      "Stewart",
      "Patterson",
      "Reid",
      "Bennett",
    ],
    weight: { MTL: 6, VAN: 14, PAR: 3 },
  },
  {
    given: ["Youssef", "Fatima", "Karim", "Nadia", "Omar", "Leila", "Samir", "Yasmine", "Hicham", "Salma"],
    family: [
      "Benali",
      "El Amrani",
      "Bouzid",
      "Haddad",
      "Mansour",
      "Cherif",
      "Belkacem",
      "Saidi",
      "Tazi",
      "Khoury",
    ],
    weight: { MTL: 10, VAN: 3, PAR: 16 },
  },
  {
    given: [
      "Moussa",
      "Awa",
      "Ibrahima",
      "Fatou",
      "Mamadou",
      "Aïssatou",
      "Cheikh",
      "Mariama",
      "Ousmane",
      "Khady",
    ],
    family: ["Ndiaye", "Sow", "Ba", "Fall", "Diop", "Cissé", "Traoré", "Keïta", "Sarr", "Camara"],
    weight: { MTL: 8, VAN: 1, PAR: 14 },
  },
  {
    given: [
      "Jean-Robert",
      "Marie-Carmel",
      "Wilner",
      "Guerda",
      "Frantz",
      "Nadège",
      "Jocelyn",
      "Mirlande",
      "Réginald",
      "Fabiola",
    ],
    family: [
      "Joseph",
      "Pierre",
      "Jean-Baptiste",
      "Louis",
      "Charles",
      "Étienne",
      "Dorvil",
      "Saint-Fleur",
      "Célestin",
      "Augustin",
    ],
    weight: { MTL: 8, VAN: 1, PAR: 2 },
  },
  {
    given: [
      "Arjun",
      "Priya",
      "Harpreet",
      "Aditya",
      "Simran",
      "Rohan",
      "Anjali",
      "Gurpreet",
      "Vikram",
      "Neha",
    ],
    family: ["Sharma", "Patel", "Singh", "Gill", "Iyer", "Mehta", "Sandhu", "Reddy", "Dhillon", "Nair"],
    weight: { MTL: 3, VAN: 12, PAR: 2 },
  },
  {
    given: ["Wei", "Mei", "Jun", "Xiaoling", "Hao", "Yan", "Lei", "Ying", "Bo", "Lin"],
    family: ["Wang", "Li", "Zhang", "Liu", "Chen", "Huang", "Zhao", "Wu", "Zhou", "Xu"],
    weight: { MTL: 3, VAN: 10, PAR: 2 },
  },
  {
    given: ["Maria", "Jose", "Angelica", "Mark", "Kristine", "Paolo", "Joy", "Rafael", "Liza", "Carlo"],
    family: [
      "Santos",
      "Reyes",
      "Cruz",
      "Bautista",
      "Ocampo",
      "Dela Cruz",
      "Mendoza",
      "Villanueva",
      "Aquino",
      "Garcia",
    ],
    weight: { MTL: 2, VAN: 9, PAR: 1 },
  },
  {
    given: [
      "Diego",
      "Valentina",
      "Mateo",
      "Camila",
      "Santiago",
      "Lucía",
      "Andrés",
      "Daniela",
      "Javier",
      "Sofía",
    ],
    family: [
      "García",
      "Rodríguez",
      "Martínez",
      "Hernández",
      "López",
      "González",
      "Pérez",
      "Sánchez",
      "Ramírez",
      "Torres",
    ],
    weight: { MTL: 5, VAN: 4, PAR: 3 },
  },
  {
    given: ["Olena", "Andriy", "Iryna", "Dmytro", "Oksana", "Taras", "Kateryna", "Serhiy", "Yulia", "Bohdan"],
    family: [
      "Kovalenko",
      "Shevchenko",
      "Bondarenko",
      "Tkachenko",
      "Kravchenko",
      "Melnyk",
      "Boyko",
      "Oliynyk",
      "Lysenko",
      "Marchenko",
    ],
    weight: { MTL: 3, VAN: 4, PAR: 4 },
  },
  {
    given: ["Reza", "Shirin", "Dariush", "Parisa", "Kian", "Maryam", "Arash", "Nasrin", "Babak", "Azadeh"],
    family: [
      "Hosseini",
      "Karimi",
      "Rahimi",
      "Moradi",
      "Jafari",
      "Tehrani",
      "Ahmadi",
      "Rostami",
      "Farahani",
      "Sadeghi",
    ],
    weight: { MTL: 3, VAN: 5, PAR: 3 },
  },
  {
    given: ["Minh", "Lan", "Tuan", "Huong", "Duc", "Thao", "Quang", "Linh", "Hai", "Ngoc"],
    family: ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do", "Ngo"],
    weight: { MTL: 3, VAN: 5, PAR: 2 },
  },
];

/** "Aïssatou Keïta" → "aissatou", "keita": plain ASCII for an email local part. */
function asciiWord(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

// The reserved example domains of RFC 2606: no demo letter can ever reach a real person.
const emailDomains = [
  ["example.com", 50],
  ["example.org", 25],
  ["example.net", 25],
] as const;

// ---------------------------------------------------------------------------------------------------------
// Postal addresses: 2 to 4 printed lines joined with "\n", in the style of each place.

type Region = "QC" | "ON" | "BC" | "AB" | "FR" | "BE" | "MA" | "SN" | "TN" | "HT" | "IN" | "PH";

const regionsByOffice: Record<OfficeCodeKey, readonly (readonly [Region, number])[]> = {
  MTL: [
    ["QC", 70],
    ["ON", 8],
    ["FR", 6],
    ["HT", 6],
    ["MA", 5],
    ["SN", 5],
  ],
  VAN: [
    ["BC", 70],
    ["AB", 8],
    ["ON", 4],
    ["IN", 8],
    ["PH", 10],
  ],
  PAR: [
    ["FR", 55],
    ["BE", 10],
    ["MA", 13],
    ["SN", 12],
    ["TN", 10],
  ],
};

const postalLetters = "ABCEGHJKLMNPRSTVWXYZ";

function canadianPostalCode(rng: Rng, fsa: string): string {
  return `${fsa} ${rng.int(0, 9)}${rng.pick([...postalLetters])}${rng.int(0, 9)}`;
}

function postalAddress(rng: Rng, region: Region): string {
  const n = rng.int(2, 9800);
  const lines: string[] = [];
  switch (region) {
    case "QC": {
      const [city, fsa] = rng.pick([
        ["Montréal", "H2X"],
        ["Montréal", "H3S"],
        ["Montréal", "H1N"],
        ["Laval", "H7N"],
        ["Longueuil", "J4K"],
        ["Québec", "G1R"],
        ["Gatineau", "J8X"],
        ["Sherbrooke", "J1H"],
        ["Trois-Rivières", "G9A"],
      ] as const);
      lines.push(
        `${n}, ${rng.pick(["rue Saint-Denis", "boulevard Saint-Laurent", "avenue du Parc", "rue Ontario Est", "chemin de la Côte-des-Neiges", "rue Sherbrooke Ouest", "avenue Papineau", "rue Jean-Talon Est", "rue Fleury Ouest", "boulevard Décarie"])}`,
      );
      if (rng.chance(0.4)) lines.push(`app. ${rng.int(1, 40)}`);
      lines.push(`${city} QC  ${canadianPostalCode(rng, fsa)}`);
      if (rng.chance(0.2)) lines.push("Canada");
      break;
    }
    case "ON": {
      const [city, fsa] = rng.pick([
        ["Ottawa", "K1P"],
        ["Toronto", "M5V"],
        ["Toronto", "M4M"],
        ["Mississauga", "L5B"],
        ["Hamilton", "L8P"],
      ] as const);
      lines.push(
        `${n} ${rng.pick(["Bank Street", "Yonge Street", "Bloor Street West", "Queen Street East", "Dundas Street West"])}`,
      );
      if (rng.chance(0.4)) lines.push(`Apt ${rng.int(101, 2410)}`);
      lines.push(`${city} ON  ${canadianPostalCode(rng, fsa)}`);
      if (rng.chance(0.2)) lines.push("Canada");
      break;
    }
    case "BC": {
      const [city, fsa] = rng.pick([
        ["Vancouver", "V5V"],
        ["Vancouver", "V6K"],
        ["Burnaby", "V5H"],
        ["Surrey", "V3T"],
        ["Richmond", "V6X"],
        ["Victoria", "V8W"],
        ["Coquitlam", "V3K"],
      ] as const);
      lines.push(
        `${n} ${rng.pick(["Main Street", "Commercial Drive", "Kingsway", "West Broadway", "Granville Street", "Fraser Street", "No. 3 Road"])}`,
      );
      if (rng.chance(0.4)) lines.push(`Unit ${rng.int(101, 2410)}`);
      lines.push(`${city} BC  ${canadianPostalCode(rng, fsa)}`);
      if (rng.chance(0.2)) lines.push("Canada");
      break;
    }
    case "AB": {
      const [city, fsa] = rng.pick([
        ["Calgary", "T2P"],
        ["Edmonton", "T5J"],
      ] as const);
      lines.push(`${n} ${rng.pick(["17 Avenue SW", "Jasper Avenue", "Centre Street N", "Whyte Avenue"])}`);
      lines.push(`${city} AB  ${canadianPostalCode(rng, fsa)}`);
      if (rng.chance(0.2)) lines.push("Canada");
      break;
    }
    case "FR": {
      const [code, city] = rng.pick([
        ["75011", "Paris"],
        ["75018", "Paris"],
        ["69003", "Lyon"],
        ["13001", "Marseille"],
        ["59000", "Lille"],
        ["31000", "Toulouse"],
        ["33000", "Bordeaux"],
        ["44000", "Nantes"],
      ] as const);
      lines.push(
        `${n % 180} ${rng.pick(["rue des Lilas", "avenue Jean-Jaurès", "boulevard Voltaire", "rue de la République", "rue Victor-Hugo", "place du Marché", "rue des Écoles"])}`,
      );
      if (rng.chance(0.2)) lines.push(`Bâtiment ${rng.pick(["A", "B", "C"])}`);
      lines.push(`${code} ${city}`, "France");
      break;
    }
    case "BE": {
      const [code, city] = rng.pick([
        ["1040", "Bruxelles"],
        ["1050", "Ixelles"],
        ["4000", "Liège"],
      ] as const);
      lines.push(
        `${rng.pick(["Rue de la Loi", "Chaussée d'Ixelles", "Avenue Louise", "Rue Neuve"])} ${n % 200}`,
      );
      lines.push(`${code} ${city}`, "Belgique");
      break;
    }
    case "MA": {
      const [code, city] = rng.pick([
        ["10000", "Rabat"],
        ["20000", "Casablanca"],
        ["40000", "Marrakech"],
      ] as const);
      lines.push(
        `${n % 300}, ${rng.pick(["avenue Mohammed V", "boulevard Zerktouni", "rue Moulay Ismail"])}`,
      );
      lines.push(`${code} ${city}`, "Maroc");
      break;
    }
    case "SN": {
      lines.push(
        `Villa ${n % 400}, ${rng.pick(["Sicap Liberté 2", "Mermoz Pyrotechnie", "Cité Keur Gorgui", "HLM Grand Yoff"])}`,
      );
      lines.push(rng.pick(["Dakar", "Thiès", "Saint-Louis"]), "Sénégal");
      break;
    }
    case "TN": {
      const [code, city] = rng.pick([
        ["1000", "Tunis"],
        ["4000", "Sousse"],
        ["3000", "Sfax"],
      ] as const);
      lines.push(`${n % 150}, ${rng.pick(["rue de Marseille", "avenue Habib-Bourguiba", "rue d'Alger"])}`);
      lines.push(`${code} ${city}`, "Tunisie");
      break;
    }
    case "HT": {
      lines.push(`${n % 120}, ${rng.pick(["rue Capois", "rue Lamarre", "route de Delmas"])}`);
      lines.push(rng.pick(["Port-au-Prince", "Pétion-Ville", "Cap-Haïtien"]), "Haïti");
      break;
    }
    case "IN": {
      const [pin, city] = rng.pick([
        ["560001", "Bengaluru"],
        ["400050", "Mumbai"],
        ["700016", "Kolkata"],
        ["141001", "Ludhiana"],
      ] as const);
      lines.push(`${n % 500} ${rng.pick(["MG Road", "Linking Road", "Park Street", "Ferozepur Road"])}`);
      lines.push(`${city} ${pin}`, "India");
      break;
    }
    case "PH": {
      const [code, city] = rng.pick([
        ["1100", "Quezon City"],
        ["1000", "Manila"],
        ["6000", "Cebu City"],
      ] as const);
      lines.push(`${n % 900} ${rng.pick(["Mabini Street", "Rizal Avenue", "Katipunan Avenue"])}`);
      if (rng.chance(0.3)) lines.push(`Barangay ${rng.int(1, 60)}`);
      lines.push(`${code} ${city}`, "Philippines");
      break;
    }
    default: {
      const unreachable: never = region;
      throw new Error(`no address format for ${String(unreachable)}`);
    }
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------------------
// Counsel: the same representatives appear on many files, as they do in practice. Three gave no email.

export interface Counsel {
  name: string;
  preferredLanguage: Language;
  email: string | undefined;
  postal: string;
}

export const counselWithEmail: readonly Counsel[] = [
  {
    name: "Sophie Gagnon",
    preferredLanguage: "fr",
    email: "s.gagnon@example.org",
    postal: "1500, boulevard Robert-Bourassa\nbureau 720\nMontréal QC  H3A 3S7",
  },
  {
    name: "Marc-André Lapointe",
    preferredLanguage: "fr",
    email: "marc-andre.lapointe@example.net",
    postal: "4141, rue Sherbrooke Ouest\nbureau 210\nWestmount QC  H3Z 1B8",
  },
  {
    name: "Nathalie Desrosiers",
    preferredLanguage: "fr",
    email: "ndesrosiers@example.org",
    postal: "900, boulevard René-Lévesque Est\nbureau 500\nQuébec QC  G1R 2B5",
  },
  {
    name: "Fatoumata Koné",
    preferredLanguage: "bilingual",
    email: "fatoumata.kone@example.net",
    postal: "7250, boulevard Saint-Michel\nMontréal QC  H2A 2Z7",
  },
  {
    name: "David Chen",
    preferredLanguage: "en",
    email: "dchen@example.org",
    postal: "1055 West Georgia Street\nSuite 1500\nVancouver BC  V6E 3P3",
  },
  {
    name: "Rajinder Dhaliwal",
    preferredLanguage: "en",
    email: "rajinder@example.net",
    postal: "13737 96 Avenue\nSuite 204\nSurrey BC  V3V 0C6",
  },
  {
    name: "Rachel Goldberg",
    preferredLanguage: "en",
    email: "rgoldberg@example.org",
    postal: "130 Adelaide Street West\nSuite 2600\nToronto ON  M5H 3P5",
  },
  {
    name: "Aisha Rahman",
    preferredLanguage: "bilingual",
    email: "aisha.rahman@example.com",
    postal: "45 O'Connor Street\nSuite 1150\nOttawa ON  K1P 1A4",
  },
];

const counselWithoutEmail: readonly Counsel[] = [
  {
    name: "Gilles Paquette",
    preferredLanguage: "fr",
    email: undefined,
    postal: "245, rue Saint-Jacques\nbureau 300\nMontréal QC  H2Y 1M6",
  },
  {
    name: "Robert Kowalski",
    preferredLanguage: "en",
    email: undefined,
    postal: "880 Douglas Street\nVictoria BC  V8W 2B7",
  },
  {
    name: "Hélène Marchand",
    preferredLanguage: "fr",
    email: undefined,
    postal: "1, place Ville-Marie\nbureau 2001\nMontréal QC  H3B 2C4",
  },
];

// ---------------------------------------------------------------------------------------------------------
// The generator: pure, apart from ids. Rows are built in memory, then inserted a table at a time.

type OfficeRow = PgInsertValue<typeof offices>;
type StaffRow = PgInsertValue<typeof staff>;
type PostingRow = PgInsertValue<typeof postings>;
type ApplicationRow = PgInsertValue<typeof applications>;
type PartyRow = PgInsertValue<typeof parties>;
type ContactPointRow = typeof contactPoints.$inferInsert;
type RepresentationRow = PgInsertValue<typeof representations>;

export interface DemoData {
  offices: OfficeRow[];
  staff: StaffRow[];
  postings: PostingRow[];
  applications: ApplicationRow[];
  parties: PartyRow[];
  contactPoints: ContactPointRow[];
  representations: RepresentationRow[];
}

const letterByLine: Record<LineOfBusiness, string> = { immigration: "E", citizenship: "C", refugee: "R" };
const lineByLetter: Record<string, LineOfBusiness> = { E: "immigration", C: "citizenship", R: "refugee" };

const decidedStatuses: readonly ApplicationStatus[] = ["approved", "refused", "abandoned", "withdrawn"];

const statusWeights: readonly (readonly [ApplicationStatus, number])[] = [
  ["open", 45],
  ["approved", 18],
  ["refused", 12],
  ["abandoned", 9],
  ["withdrawn", 6],
  ["reopened", 10],
];

const officeWeights: readonly (readonly [OfficeCodeKey, number])[] = [
  ["MTL", 40],
  ["VAN", 35],
  ["PAR", 25],
];

const lineWeights: Record<OfficeCodeKey, readonly (readonly [LineOfBusiness, number])[]> = {
  MTL: [
    ["immigration", 50],
    ["citizenship", 30],
    ["refugee", 20],
  ],
  VAN: [
    ["immigration", 55],
    ["citizenship", 35],
    ["refugee", 10],
  ],
  // A visa office abroad: mostly immigration, some refugee resettlement, few proofs of citizenship.
  PAR: [
    ["immigration", 80],
    ["citizenship", 5],
    ["refugee", 15],
  ],
};

const languageWeights: Record<OfficeCodeKey, readonly (readonly [Language, number])[]> = {
  MTL: [
    ["fr", 65],
    ["en", 25],
    ["bilingual", 10],
  ],
  VAN: [
    ["en", 75],
    ["fr", 15],
    ["bilingual", 10],
  ],
  PAR: [
    ["fr", 75],
    ["en", 20],
    ["bilingual", 5],
  ],
};

const scenarioWeights: readonly (readonly [DemoScenario, number])[] = [
  ["applicant-form-email", 30],
  ["applicant-wrote-by-email", 8],
  ["applicant-postal-only", 15],
  ["applicant-phone-email", 6],
  ["applicant-email-superseded", 8],
  ["representative-with-email", 14],
  ["representative-without-email", 5],
  ["representative-withdrawn", 5],
  ["representative-declared-later", 5],
  ["representative-replaced", 2],
  ["no-address", 2],
];

interface FileSpec {
  number: string;
  lineOfBusiness: LineOfBusiness;
  office: DemoOffice & { code: OfficeCodeKey };
  status: ApplicationStatus;
  scenario: DemoScenario;
  receivedAt: number;
  /** For a decided file: the instant of its final decision. */
  decidedAt: number | undefined;
  /** Whether the applicant gave an email on the application form, where the scenario leaves it open. */
  applicantFormEmail: boolean;
  /** A showcase file: its history is fixed in shape (no random move, the fullest history of its case). */
  showcase: boolean;
}

class DemoGenerator {
  readonly data: DemoData = {
    offices: [],
    staff: [],
    postings: [],
    applications: [],
    parties: [],
    contactPoints: [],
    representations: [],
  };
  readonly #rng = new Rng(SEED);
  readonly #now: number;
  readonly #usedEmails = new Set<string>();
  readonly #usedDigits = new Set<string>();
  readonly #agentByOffice = new Map<string, string>();

  constructor(now: Date) {
    this.#now = now.getTime();
  }

  #ago(days: number): number {
    return this.#now - days * DAY;
  }

  /** `days` before now, at an office hour (8:30 to 16:30 on the office's wall clock), never after now. */
  #officeHoursAgo(days: number, office: DemoOffice): number {
    const day = instantToWallTime(new Date(this.#ago(days)), office.timeZone).slice(0, 10);
    const minutes = this.#rng.int(8 * 60 + 30, 16 * 60 + 30);
    const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
    const mm = String(minutes % 60).padStart(2, "0");
    const at = wallTimeToInstant(`${day}T${hh}:${mm}`, office.timeZone) ?? new Date(this.#ago(days));
    return Math.min(at.getTime(), this.#now);
  }

  addOfficesAndStaff(): void {
    const officesSince = new Date(this.#ago(1500));
    for (const o of demoOffices) this.data.offices.push({ ...o, createdAt: officesSince });
    const staffSince = new Date(this.#ago(1400));
    for (const person of demoStaff) {
      const id = randomUUID();
      this.data.staff.push({ id, subject: person.subject, name: person.name, createdAt: staffSince });
      for (const p of person.postings) {
        this.data.postings.push({
          staffId: id,
          officeCode: p.officeCode,
          role: p.role,
          createdAt: staffSince,
        });
        if (p.role === "agent" && !this.#agentByOffice.has(p.officeCode))
          this.#agentByOffice.set(p.officeCode, id);
      }
    }
  }

  addShowcase(count: number): void {
    const rng = this.#rng;
    const office = officeByCode("MTL");
    for (const entry of demoShowcase.slice(0, count)) {
      const lineOfBusiness = lineByLetter[entry.number.charAt(0)];
      if (!lineOfBusiness) throw new Error(`showcase number ${entry.number} has no line of business`);
      this.#addFile({
        number: entry.number,
        lineOfBusiness,
        office,
        status: "open",
        scenario: entry.scenario,
        receivedAt: this.#officeHoursAgo(rng.int(60, 200), office),
        decidedAt: undefined,
        // The representative cases show that C-3 overrides an applicant's own consent to email.
        applicantFormEmail: true,
        showcase: true,
      });
    }
  }

  addGenerated(count: number): void {
    const rng = this.#rng;
    for (let j = 0; j < count; j++) {
      // The first few are forced so that even a small demo has every office and every status.
      const office = officeByCode(j < 2 ? (["VAN", "PAR"] as const)[j]! : rng.weighted(officeWeights));
      const status = j < applicationStatuses.length ? applicationStatuses[j]! : rng.weighted(statusWeights);
      const lineOfBusiness = rng.weighted(lineWeights[office.code]);
      const decided = decidedStatuses.includes(status);
      const minAge = decided ? 90 : status === "reopened" ? 120 : 15;
      const receivedAt = this.#officeHoursAgo(rng.int(minAge, 900), office);
      const decidedAt = decided ? rng.between(receivedAt + 45 * DAY, this.#ago(1)) : undefined;
      this.#addFile({
        number: this.#newNumber(lineOfBusiness),
        lineOfBusiness,
        office,
        status,
        scenario: rng.weighted(scenarioWeights),
        receivedAt,
        decidedAt,
        applicantFormEmail: rng.chance(0.6),
        showcase: false,
      });
    }
  }

  #newNumber(line: LineOfBusiness): string {
    for (;;) {
      // Nine digits not starting with 0, so they never meet the showcase's "000000…" numbers.
      const digits = String(this.#rng.int(100_000_000, 999_999_999));
      if (this.#usedDigits.has(digits)) continue;
      this.#usedDigits.add(digits);
      return `${letterByLine[line]}${digits}`;
    }
  }

  #addFile(spec: FileSpec): void {
    const rng = this.#rng;
    const now = this.#now;
    const applicationId = randomUUID();
    const recordedBy = this.#agentByOffice.get(spec.office.code) ?? null;
    const received = spec.receivedAt;
    // Later events fall between receipt and an hour ago.
    const later = (from: number) => rng.between(from, now - HOUR);

    this.data.applications.push({
      id: applicationId,
      number: spec.number,
      lineOfBusiness: spec.lineOfBusiness,
      officeCode: spec.office.code,
      status: spec.status,
      finalDecisionOn:
        spec.decidedAt === undefined
          ? null
          : instantToWallTime(new Date(spec.decidedAt), spec.office.timeZone).slice(0, 10),
      receivedAt: new Date(received),
    });

    const point = (
      partyId: string,
      kind: ContactKind,
      value: string,
      source: ContactSource,
      providedAt: number,
    ) => {
      this.data.contactPoints.push({
        partyId,
        kind,
        value,
        source,
        providedAt: new Date(providedAt),
        // Paper forms are keyed in some time after they arrive, never after now.
        recordedAt: new Date(Math.min(providedAt + rng.int(5, 2880) * MINUTE, now)),
        recordedBy,
      });
    };
    const represent = (representativeId: string, kind: RepresentationKind, effectiveAt: number) => {
      this.data.representations.push({
        applicationId,
        representativeId,
        kind,
        effectiveAt: new Date(effectiveAt),
        recordedAt: new Date(Math.min(effectiveAt + rng.int(5, 2880) * MINUTE, now)),
        recordedBy,
      });
    };

    // The applicant.
    const origin = rng.weighted(namePools.map((p) => [p, p.weight[spec.office.code]] as const));
    const given = rng.pick(origin.given);
    const family = rng.pick(origin.family);
    const applicantId = randomUUID();
    this.data.parties.push({
      id: applicantId,
      applicationId,
      role: "applicant",
      name: `${given} ${family}`,
      preferredLanguage: rng.weighted(languageWeights[spec.office.code]),
      createdAt: new Date(received),
    });
    const region = rng.weighted(regionsByOffice[spec.office.code]);
    const email = () => this.#newEmail(given, family);

    const s = spec.scenario;
    if (s !== "no-address") {
      point(applicantId, "postal", postalAddress(rng, region), "application-form", received);
    }
    switch (s) {
      case "no-address":
        break;
      case "applicant-form-email":
        point(applicantId, "email", email(), "application-form", received);
        break;
      case "applicant-wrote-by-email":
        point(applicantId, "email", email(), "client-email", later(received + 2 * DAY));
        break;
      case "applicant-postal-only":
        break;
      case "applicant-phone-email":
        point(applicantId, "email", email(), "phone", later(received + 2 * DAY));
        break;
      case "applicant-email-superseded": {
        point(applicantId, "email", email(), "application-form", received);
        const changes = spec.showcase ? 2 : rng.int(1, 2);
        let at = received;
        for (let i = 0; i < changes; i++) {
          // Each change comes in a message from the new address, which is itself consent (C-2).
          at = rng.between(at + DAY, at + Math.max(DAY, (now - HOUR - at) / (changes - i)));
          point(applicantId, "email", email(), "client-email", at);
        }
        if (spec.showcase) {
          point(applicantId, "postal", postalAddress(rng, region), "client-letter", later(received + DAY));
        }
        break;
      }
      case "representative-with-email":
      case "representative-without-email":
      case "representative-withdrawn":
      case "representative-declared-later":
      case "representative-replaced":
        if (spec.applicantFormEmail) point(applicantId, "email", email(), "application-form", received);
        break;
      default: {
        const unreachable: never = s;
        throw new Error(`unknown scenario ${String(unreachable)}`);
      }
    }
    // Some applicants move: a newer postal address, sent by letter, supersedes the form's.
    if (s !== "no-address" && !spec.showcase && rng.chance(0.15)) {
      point(applicantId, "postal", postalAddress(rng, region), "client-letter", later(received + DAY));
    }

    // The representative, if any, with the addresses written on the IMM 5476.
    const addCounsel = (counsel: Counsel, declaredAt: number): string => {
      const id = randomUUID();
      this.data.parties.push({
        id,
        applicationId,
        role: "representative",
        name: counsel.name,
        preferredLanguage: counsel.preferredLanguage,
        createdAt: new Date(declaredAt),
      });
      if (counsel.email) point(id, "email", counsel.email, "imm5476", declaredAt);
      point(id, "postal", counsel.postal, "imm5476", declaredAt);
      represent(id, "declared", declaredAt);
      return id;
    };
    const midway = received + Math.floor((now - received) / 2 / MINUTE) * MINUTE;
    switch (s) {
      case "representative-with-email":
        addCounsel(rng.pick(counselWithEmail), received);
        break;
      case "representative-without-email":
        addCounsel(rng.pick(counselWithoutEmail), received);
        break;
      case "representative-withdrawn": {
        const first = rng.chance(0.8) ? rng.pick(counselWithEmail) : rng.pick(counselWithoutEmail);
        const id = addCounsel(first, received);
        represent(id, "withdrawn", later(midway));
        break;
      }
      case "representative-declared-later":
        addCounsel(rng.pick(counselWithEmail), rng.between(received + 7 * DAY, midway));
        break;
      case "representative-replaced": {
        const first = rng.pick(counselWithoutEmail);
        const second = rng.pick(counselWithEmail);
        const firstId = addCounsel(first, received);
        const withdrawnAt = rng.between(received + 7 * DAY, midway);
        represent(firstId, "withdrawn", withdrawnAt);
        addCounsel(second, later(withdrawnAt + DAY));
        break;
      }
      default:
        break;
    }
  }

  #newEmail(given: string, family: string): string {
    const rng = this.#rng;
    const g = asciiWord(given);
    const f = asciiWord(family);
    const local = rng.pick([
      `${g}.${f}`,
      `${g.charAt(0)}${f}`,
      `${g}_${f}`,
      `${f}.${g}`,
      `${g}${f}${rng.int(1, 99)}`,
    ]);
    const domain = rng.weighted(emailDomains);
    let candidate = `${local}@${domain}`;
    for (let i = 2; this.#usedEmails.has(candidate); i++) candidate = `${local}${i}@${domain}`;
    this.#usedEmails.add(candidate);
    return candidate;
  }
}

function officeByCode(code: OfficeCodeKey): DemoOffice & { code: OfficeCodeKey } {
  const office = demoOffices.find((o) => o.code === code);
  if (!office) throw new Error(`no demo office ${code}`);
  return { ...office, code };
}

/**
 * The demo's rows, built in memory from the fixed seed: the same on every machine for the same `now`
 * and count (ids aside, which are random UUIDs). The first files of Montréal are the showcase.
 */
export function buildDemoData(now: Date, applicationCount: number = defaultDemoApplications): DemoData {
  if (!Number.isInteger(applicationCount) || applicationCount < 0) {
    throw new RangeError(`the number of demo applications must be a whole number, not ${applicationCount}`);
  }
  const generator = new DemoGenerator(now);
  generator.addOfficesAndStaff();
  const showcase = Math.min(applicationCount, demoShowcase.length);
  generator.addShowcase(showcase);
  generator.addGenerated(applicationCount - showcase);
  return generator.data;
}

// Keeps each statement well under PostgreSQL's 65,535 bind parameters, whatever the count asked for.
const BATCH_ROWS = 1000;

async function insertInBatches<T extends PgTable>(
  tx: Executor,
  table: T,
  rows: PgInsertValue<T>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH_ROWS) {
    await tx.insert(table).values(rows.slice(i, i + BATCH_ROWS));
  }
}

// Serializes concurrent first starts against one PostgreSQL database: one loads, the others see its rows.
const DEMO_LOCK = 724002;

/**
 * Loads the demo data unless the database already has offices (so it is safe at every start): offices,
 * staff and their postings, and `applications` files (200 by default) with their parties, contact-point
 * history and representations, in one transaction with one audit event. Returns whether it loaded, and
 * how many files it added (0 when it did nothing).
 */
export async function loadDemoData(
  db: Executor,
  clock: Clock,
  opts?: { applications?: number },
): Promise<{ loaded: boolean; applications: number }> {
  const count = opts?.applications ?? defaultDemoApplications;
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`the number of demo applications must be a whole number, not ${count}`);
  }
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${DEMO_LOCK})`);
    const [existing] = await tx.select({ code: offices.code }).from(offices).limit(1);
    if (existing) return { loaded: false, applications: 0 };
    const now = clock.now();
    const data = buildDemoData(now, count);
    await insertInBatches(tx, offices, data.offices);
    await insertInBatches(tx, staff, data.staff);
    await insertInBatches(tx, postings, data.postings);
    await insertInBatches(tx, applications, data.applications);
    await insertInBatches(tx, parties, data.parties);
    for (let i = 0; i < data.contactPoints.length; i += BATCH_ROWS)
      await recordContactPoints(tx, data.contactPoints.slice(i, i + BATCH_ROWS), {
        kind: "system",
        name: "demo",
      });
    await insertInBatches(tx, representations, data.representations);
    await loadPortalDemo(tx, now);
    await recordAudit(tx, { kind: "system", name: "demo" }, now, {
      action: "demo.loaded",
      subjectType: "system",
      subjectId: "demo",
      details: { applications: data.applications.length },
    });
    return { loaded: true, applications: data.applications.length };
  });
}
