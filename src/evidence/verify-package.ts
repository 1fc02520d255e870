import crypto from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { unzipSync } from "fflate";
import { dkimVerify } from "mailauth";
import { canonicalJson } from "./canonical.ts";
import { keyIdOf } from "./ledger-key.ts";
import { leafHash, verifyInclusion } from "./merkle.ts";
import {
  assessProof,
  type Findings,
  type LeafEvent,
  type ProofManifest,
  type ProvenEvent,
  parseLeaf,
  proofPackageFormat,
} from "./proof-findings.ts";
import { verifyTimestamp } from "./timestamp.ts";
import { treeHeadBytes, verifyTreeHeadSignature } from "./tree-head.ts";

// B-3: `liaison proof verify`. Needs nothing but the package (and, better, the agency's public key
// obtained separately): no database, no network. Every check says where it looked and, when it fails,
// why, in English and French.

type Text = { en: string; fr: string };

export interface Check {
  ok: boolean;
  /** What was checked: a file, an event, the tree head. */
  where: string;
  message: Text;
}

export interface PackageVerdict {
  valid: boolean;
  checks: Check[];
  manifest: ProofManifest | undefined;
  findings: Findings | undefined;
}

const sha256 = (bytes: Buffer | string) => crypto.createHash("sha256").update(bytes).digest("hex");

/** A package from a folder or a .zip (one top folder inside, as `proof export` writes it). */
export async function readPackage(location: string): Promise<Map<string, Buffer>> {
  const stat = await fs.stat(location);
  const files = new Map<string, Buffer>();
  if (stat.isDirectory()) {
    for (const name of await fs.readdir(location)) {
      const full = path.join(location, name);
      if ((await fs.stat(full)).isFile()) files.set(name, await fs.readFile(full));
    }
    return files;
  }
  const entries = unzipSync(new Uint8Array(await fs.readFile(location)));
  for (const [name, bytes] of Object.entries(entries)) {
    if (name.endsWith("/")) continue;
    files.set(name.includes("/") ? name.slice(name.indexOf("/") + 1) : name, Buffer.from(bytes));
  }
  return files;
}

export async function verifyPackage(
  files: ReadonlyMap<string, Buffer>,
  opts: { publicKeyPem?: string | undefined } = {},
): Promise<PackageVerdict> {
  const checks: Check[] = [];
  const pass = (where: string, en: string, fr: string) =>
    checks.push({ ok: true, where, message: { en, fr } });
  const fail = (where: string, en: string, fr: string) =>
    checks.push({ ok: false, where, message: { en, fr } });
  const done = (manifest?: ProofManifest, findings?: Findings): PackageVerdict => ({
    valid: checks.length > 0 && checks.every((c) => c.ok),
    checks,
    manifest,
    findings,
  });

  // The key: the one given separately wins; the package's own copy must then be the same key.
  const packagedKey = files.get("ledger-public-key.pem")?.toString("utf8");
  const keyPem = opts.publicKeyPem ?? packagedKey;
  let keyId: string;
  try {
    if (!keyPem) throw new Error("no key");
    const key = crypto.createPublicKey(keyPem);
    if (key.asymmetricKeyType !== "ed25519") throw new Error("not ed25519");
    keyId = keyIdOf(key);
  } catch {
    fail("ledger-public-key.pem", "No usable Ed25519 public key.", "Aucune clé publique Ed25519 utilisable.");
    return done();
  }
  if (opts.publicKeyPem && packagedKey && !samePublicKey(packagedKey, opts.publicKeyPem))
    fail(
      "ledger-public-key.pem",
      "The key in the package is not the key you gave: the package was not signed by that agency key.",
      "La clé du paquet n'est pas celle fournie : le paquet n'a pas été signé par cette clé de l'organisme.",
    );

  // The manifest and its signature.
  const manifestBytes = files.get("manifest.json");
  const signature = files.get("manifest.sig");
  if (!manifestBytes || !signature) {
    fail(
      "manifest.json",
      "manifest.json or manifest.sig is missing.",
      "manifest.json ou manifest.sig est absent.",
    );
    return done();
  }
  const sigOk = safely(() =>
    crypto.verify(
      null,
      manifestBytes,
      crypto.createPublicKey(keyPem),
      Buffer.from(signature.toString("utf8").trim(), "base64"),
    ),
  );
  if (sigOk)
    pass("manifest.sig", "The manifest's signature verifies.", "La signature du manifeste est valide.");
  else
    fail(
      "manifest.sig",
      "The manifest's signature does not verify: manifest.json was altered, or signed with another key.",
      "La signature du manifeste n'est pas valide : manifest.json a été modifié, ou signé avec une autre clé.",
    );
  let manifest: ProofManifest;
  try {
    manifest = JSON.parse(manifestBytes.toString("utf8")) as ProofManifest;
    if (manifest.format !== proofPackageFormat) throw new Error("format");
  } catch {
    fail(
      "manifest.json",
      "manifest.json is not a Liaison proof manifest.",
      "manifest.json n'est pas un manifeste de preuve Liaison.",
    );
    return done();
  }

  // Every file listed, byte for byte; nothing unlisted.
  const listed = new Set(["manifest.json", "manifest.sig"]);
  for (const f of manifest.files ?? []) {
    listed.add(f.name);
    const bytes = files.get(f.name);
    if (!bytes) fail(f.name, "This file is missing.", "Ce fichier est absent.");
    else if (sha256(bytes) !== f.sha256)
      fail(
        f.name,
        "This file was altered: its SHA-256 is not the one in the manifest.",
        "Ce fichier a été modifié : son SHA-256 n'est pas celui du manifeste.",
      );
    else pass(f.name, "Unaltered.", "Intact.");
  }
  for (const name of files.keys())
    if (!listed.has(name))
      fail(name, "This file is not part of the package.", "Ce fichier ne fait pas partie du paquet.");

  // The tree head: signed by the key, and the key is the one it names.
  const head = manifest.treeHead;
  if (head.keyId !== keyId)
    fail(
      "tree head",
      "The tree head names another signing key.",
      "La tête d'arbre désigne une autre clé de signature.",
    );
  else if (!verifyTreeHeadSignature(head, keyPem))
    fail(
      "tree head",
      "The tree head's signature does not verify.",
      "La signature de la tête d'arbre n'est pas valide.",
    );
  else
    pass(
      "tree head",
      `Tree head of ${head.treeSize} events signed at ${head.signedAt}: signature valid.`,
      `Tête d'arbre de ${head.treeSize} événements signée le ${head.signedAt} : signature valide.`,
    );
  const root = safely(() => Buffer.from(head.rootHash, "hex")) ?? Buffer.alloc(0);

  // Each event: its bytes are in the signed tree.
  const parsedEvents: LeafEvent[] = [];
  const parsedAddresses: LeafEvent[] = [];
  const proveAll = (list: readonly ProvenEvent[], into: LeafEvent[], label: string) => {
    for (const e of list ?? []) {
      const where = `${label} at leaf ${e.leafIndex}`;
      const leaf = leafHash(Buffer.from(e.data, "utf8"));
      const proof = (e.proof ?? []).map((h) => Buffer.from(h, "hex"));
      if (!verifyInclusion(leaf, e.leafIndex, head.treeSize, proof, root)) {
        fail(
          where,
          "This event is not in the signed tree: it, its proof or the tree head was altered.",
          "Cet événement n'est pas dans l'arbre signé : lui, sa preuve ou la tête d'arbre a été modifié.",
        );
        continue;
      }
      try {
        into.push(parseLeaf(e.data));
        pass(where, "In the signed tree.", "Dans l'arbre signé.");
      } catch {
        fail(
          where,
          "This event's bytes are not a ledger event.",
          "Les octets de cet événement ne sont pas un événement du registre.",
        );
      }
    }
  };
  proveAll(manifest.events, parsedEvents, "event");
  proveAll(manifest.addressHistory, parsedAddresses, "address");
  const letterId = manifest.correspondence;
  const recipient = (manifest.letter?.recipient ?? {}) as { party?: string };
  if (parsedEvents.some((e) => e.subject.type !== "correspondence" || e.subject.id !== letterId))
    fail("events", "An event is about another letter.", "Un événement concerne une autre lettre.");
  if (parsedAddresses.some((e) => e.subject.type !== "party" || e.subject.id !== recipient.party))
    fail("address history", "An address is another party's.", "Une adresse est celle d'une autre partie.");

  // The letter's content is the one fixed when it was generated.
  const generated = parsedEvents.find((e) => e.event === "generated");
  if (!generated)
    fail("letter", "The package has no 'generated' event.", "Le paquet n'a pas d'événement « generated ».");
  else if (safely(() => sha256(canonicalJson(manifest.letter))) !== generated.details.letterSha256)
    fail(
      "letter",
      "The letter's content differs from the one recorded when it was generated.",
      "Le contenu de la lettre diffère de celui enregistré à sa génération.",
    );
  else
    pass(
      "letter",
      "The letter's content is the one recorded when it was generated.",
      "Le contenu de la lettre est celui enregistré à sa génération.",
    );

  // The message: the bytes sealed on the ledger, and its DKIM signature with the key of the day (B-8).
  const sealed = parsedEvents.find((e) => e.event === "sealed");
  const eml = files.get("message.eml");
  if (sealed) {
    if (!eml) fail("message.eml", "The sealed message is missing.", "Le message scellé est absent.");
    else if (sha256(eml) !== sealed.details.sha256)
      fail(
        "message.eml",
        "message.eml is not the message sealed on the ledger.",
        "message.eml n'est pas le message scellé au registre.",
      );
    else {
      pass(
        "message.eml",
        `SHA-256 ${sha256(eml)}: the message sealed on the ledger.`,
        `SHA-256 ${sha256(eml)} : le message scellé au registre.`,
      );
      await checkDkim(eml, sealed, pass, fail);
    }
  }

  // The note is the one written when the letter left.
  const noteEvent = parsedEvents.find((e) => e.event === "note-written");
  const note = files.get("note.txt");
  if (noteEvent && typeof noteEvent.details.textSha256 === "string") {
    if (!note || sha256(note) !== noteEvent.details.textSha256)
      fail(
        "note.txt",
        "The note is not the one recorded on the ledger.",
        "La note n'est pas celle enregistrée au registre.",
      );
    else
      pass(
        "note.txt",
        "The note is the one recorded on the ledger.",
        "La note est celle enregistrée au registre.",
      );
  }

  // The findings follow from the proven events alone.
  const findings = assessProof({
    letter: manifest.letter,
    events: parsedEvents,
    addressHistory: parsedAddresses,
    asOf: manifest.exportedAt,
  });
  if (safely(() => canonicalJson(findings as never) === canonicalJson(manifest.findings as never)))
    pass("findings", "The findings follow from the events.", "Les constats découlent des événements.");
  else
    fail(
      "findings",
      "The findings stated in the manifest do not follow from its events.",
      "Les constats du manifeste ne découlent pas de ses événements.",
    );

  if (manifest.timestamp) {
    const digest = crypto.createHash("sha256").update(treeHeadBytes(head)).digest();
    const t = await verifyTimestamp(Buffer.from(manifest.timestamp.token, "base64"), digest);
    if (t.ok)
      pass(
        "timestamp",
        `Time-stamped by ${manifest.timestamp.authorityUrl} at ${t.genTime.toISOString()}.`,
        `Horodaté par ${manifest.timestamp.authorityUrl} le ${t.genTime.toISOString()}.`,
      );
    else
      fail(
        "timestamp",
        `The time-stamp token does not verify (${t.reason}).`,
        `Le jeton d'horodatage n'est pas valide (${t.reason}).`,
      );
  }
  return done(manifest, findings);
}

async function checkDkim(
  eml: Buffer,
  sealed: LeafEvent,
  pass: (w: string, en: string, fr: string) => void,
  fail: (w: string, en: string, fr: string) => void,
) {
  const dkim = sealed.details.dkim as { recordName?: string; record?: string } | undefined;
  if (!dkim?.recordName || !dkim.record) return;
  const record = dkim.record;
  const strings: string[] = [];
  for (let i = 0; i < record.length; i += 255) strings.push(record.slice(i, i + 255));
  // Only the record captured at send time answers: no DNS is asked, so rotation changes nothing.
  const resolver = async (name: string, rrtype: string): Promise<string[][]> => {
    if (rrtype === "TXT" && name.toLowerCase() === dkim.recordName!.toLowerCase()) return [strings];
    throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: "ENOTFOUND" });
  };
  const result = await dkimVerify(eml, { resolver }).catch(() => undefined);
  const status = result?.results?.[0]?.status?.result;
  if (status === "pass")
    pass(
      "message.eml DKIM",
      `DKIM signature valid with ${dkim.recordName} as it was at sending.`,
      `Signature DKIM valide avec ${dkim.recordName} tel qu'il était à l'envoi.`,
    );
  else
    fail(
      "message.eml DKIM",
      `DKIM signature does not verify (${status ?? "unreadable"}).`,
      `La signature DKIM n'est pas valide (${status ?? "illisible"}).`,
    );
}

function samePublicKey(a: string, b: string): boolean {
  return safely(() => keyIdOf(crypto.createPublicKey(a)) === keyIdOf(crypto.createPublicKey(b))) === true;
}

function safely<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** The verdict as `liaison proof verify` prints it. */
export function formatVerdict(v: PackageVerdict, lang: "en" | "fr"): string {
  const lines: string[] = [];
  const failed = v.checks.filter((c) => !c.ok);
  lines.push(
    v.valid
      ? lang === "fr"
        ? "VALIDE : le paquet est intact et chaque événement est dans l'arbre signé."
        : "VALID: the package is intact and every event is in the signed tree."
      : lang === "fr"
        ? `INVALIDE : ${failed.length} vérification(s) en échec.`
        : `INVALID: ${failed.length} check(s) failed.`,
  );
  for (const c of v.checks) lines.push(`  ${c.ok ? "ok  " : "FAIL"} ${c.where}: ${c.message[lang]}`);
  if (v.valid && v.findings) {
    const f = v.findings;
    lines.push("");
    if (f.accepted)
      lines.push(
        lang === "fr"
          ? `Accepté par le serveur de courriel ${f.accepted.server ?? "?"} le ${f.accepted.at} pour ${f.addressUsed} (réponse : ${f.accepted.reply}).`
          : `Accepted by the mail server ${f.accepted.server ?? "?"} at ${f.accepted.at} for ${f.addressUsed} (reply: ${f.accepted.reply}).`,
      );
    if (f.latestAddressAtSend)
      lines.push(
        lang === "fr"
          ? `Dernière adresse fournie à l'envoi : ${f.latestAddressAtSend.value} (fournie le ${f.latestAddressAtSend.providedAt}).`
          : `Latest address provided when it left: ${f.latestAddressAtSend.value} (provided ${f.latestAddressAtSend.providedAt}).`,
      );
    lines.push(
      f.warnings.length === 0
        ? lang === "fr"
          ? "Aucune réserve."
          : "No warnings."
        : `${lang === "fr" ? "Réserves" : "Warnings"}: ${f.warnings.join(", ")}`,
    );
  }
  return lines.join("\n");
}
