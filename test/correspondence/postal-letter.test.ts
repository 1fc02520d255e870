import { describe, expect, it } from "vitest";
import { defaultTemplates } from "../../src/correspondence/default-templates.ts";
import {
  breakLines,
  type PostalLetterInput,
  renderPostalLetter,
  unprintableCharacters,
} from "../../src/correspondence/postal-letter.ts";
import {
  bilingualSeparator,
  englishFollowsNotice,
  type PlaceholderValue,
  renderTemplate,
} from "../../src/correspondence/templates.ts";
import { infoOf, poppler, textOf } from "../support/pdf-text.ts";

// The PDF is read back with poppler's pdftotext and pdfinfo (Debian package poppler-utils): what a
// reader, or a search over the archive, would get from the paper's record. Without them these tests fail,
// they do not skip.

// ---------------------------------------------------------------------------------------------------
// Reading a PDF back

interface Word {
  text: string;
  xMin: number;
  yMin: number;
}

/** Every word of page 1 with its position, in points from the top left corner. */
function wordsOfFirstPage(pdf: Buffer): Word[] {
  const html = poppler("pdftotext", ["-bbox", "-f", "1", "-l", "1", "-enc", "UTF-8"], pdf);
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)<\/word>/g)].map((m) => ({
    xMin: Number(m[1]),
    yMin: Number(m[2]),
    text: m[3]!,
  }));
}

const embedsAFont = (pdf: Buffer): boolean => pdf.includes("/FontFile");

// ---------------------------------------------------------------------------------------------------
// Local factory

const INCH = 72;

function letter(overrides: Partial<PostalLetterInput> = {}): PostalLetterInput {
  return {
    letterId: "corr_01J9Z3K6Q4R8T2V5W7X9Y1Z3A5",
    fileNumber: "E000123456",
    office: {
      nameEn: "Montréal Processing Centre",
      nameFr: "Centre de traitement de Montréal",
      genericMailbox: "cpc-montreal@agency.example",
      postalLines: ["1010, rue Saint-Antoine Ouest", "Montréal (Québec)  H3C 1B9"],
    },
    recipientName: "Amina Diallo",
    postalAddress: "221 Maple Avenue, Apt. 4\nToronto ON  M5V 2T6\nCANADA",
    language: "en",
    date: new Date("2026-03-02T15:30:00Z"),
    timeZone: "America/Toronto",
    subject: "File E000123456: request for additional documents",
    body: "Dear Amina Diallo,\n\nWe need a police certificate.\n\nSincerely,\n\nMontréal Processing Centre",
    deadline: "2026-04-01",
    ...overrides,
  };
}

/** A body long enough for several pages: `n` numbered paragraphs. */
const longBody = (n: number, sentence: string): string =>
  Array.from({ length: n }, (_, i) => `${i + 1}. ${sentence}`).join("\n\n");

const frenchAccents = ["é", "è", "à", "ç", "ô", "É", "«", "»", "’"];

// ---------------------------------------------------------------------------------------------------

describe("renderPostalLetter: a printable letter (C-4)", () => {
  it("C-4: produces a US Letter PDF set in the standard Helvetica fonts, nothing embedded", async () => {
    const pdf = await renderPostalLetter(letter());
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(infoOf(pdf)["Page size"]).toMatch(/^612 x 792 pts/);
    expect(pdf.includes("/BaseFont /Helvetica")).toBe(true);
    expect(embedsAFont(pdf)).toBe(false);
  });

  it("C-4: renders the same bytes twice for the same input", async () => {
    const a = await renderPostalLetter(letter());
    const b = await renderPostalLetter(letter());
    expect(a.equals(b)).toBe(true);
  });

  it("C-4: another letter id, or another date, gives another document (and another trailer /ID)", async () => {
    const trailerId = (pdf: Buffer) => /\/ID \[<([0-9a-f]+)>/.exec(pdf.toString("latin1"))?.[1];
    const base = await renderPostalLetter(letter());
    const otherId = await renderPostalLetter(letter({ letterId: "corr_other" }));
    const otherDate = await renderPostalLetter(letter({ date: new Date("2026-03-03T15:30:00Z") }));
    expect(trailerId(base)).toMatch(/^[0-9a-f]{32}$/);
    expect(trailerId(otherId)).not.toBe(trailerId(base));
    expect(trailerId(otherDate)).not.toBe(trailerId(base));
  });

  it("C-11: metadata: the subject as title, the office as author, the letter's date as creation date", async () => {
    const info = infoOf(
      await renderPostalLetter(letter({ language: "fr", subject: "Dossier E000123456 : décision" })),
    );
    expect(info.Title).toBe("Dossier E000123456 : décision");
    expect(info.Author).toBe("Centre de traitement de Montréal");
    expect(info.CreationDate).toBe("2026-03-02T15:30:00Z");
    expect(info.Keywords).toContain("corr_01J9Z3K6Q4R8T2V5W7X9Y1Z3A5");
  });

  it("C-4: carries the recipient's name and every address line, the file number, the subject and the date", async () => {
    const text = textOf(await renderPostalLetter(letter()));
    for (const expected of [
      "Amina Diallo",
      "221 Maple Avenue, Apt. 4",
      "Toronto ON M5V 2T6", // pdftotext folds the double space Canada Post asks for before the postal code
      "CANADA",
      "File number: E000123456",
      "File E000123456: request for additional documents",
      "March 2, 2026",
      "Deadline: April 1, 2026",
      "Montréal Processing Centre",
      "Email: cpc-montreal@agency.example",
      "We need a police certificate.",
    ])
      expect(text).toContain(expected);
  });

  it("C-4: the date is the calendar date where the office is, not in UTC", async () => {
    // 03:30 UTC on 2 March is still 1 March in Toronto, and already 2 March in Paris.
    const at = new Date("2026-03-02T03:30:00Z");
    expect(textOf(await renderPostalLetter(letter({ date: at })))).toContain("March 1, 2026");
    expect(textOf(await renderPostalLetter(letter({ date: at, timeZone: "Europe/Paris" })))).toContain(
      "March 2, 2026",
    );
  });

  it("C-4: the name and address sit where a #10 window envelope shows them (about 2 in down, 7/8 in in)", async () => {
    const words = wordsOfFirstPage(await renderPostalLetter(letter()));
    const name = words.find((w) => w.text === "Amina")!;
    const country = words.find((w) => w.text === "CANADA")!;
    expect(name.xMin).toBeGreaterThan(0.75 * INCH);
    expect(name.xMin).toBeLessThan(1 * INCH);
    expect(name.yMin).toBeGreaterThan(1.95 * INCH);
    expect(name.yMin).toBeLessThan(2.15 * INCH);
    // The whole block fits the window's height (1 1/8 in).
    expect(country.yMin - name.yMin).toBeLessThan(1.125 * INCH);
    // Nothing else of the letter shows in the window.
    const inWindow = words.filter((w) => w.yMin > 1.9 * INCH && w.yMin < name.yMin + 1.125 * INCH);
    expect(inWindow.map((w) => w.text).join(" ")).toBe(
      "Amina Diallo 221 Maple Avenue, Apt. 4 Toronto ON M5V 2T6 CANADA",
    );
  });

  it("C-4: a long return address is set smaller rather than run into the window", async () => {
    const postalLines = Array.from({ length: 7 }, (_, i) => `Return address line ${i + 1}`);
    const pdf = await renderPostalLetter(
      letter({ office: { ...letter().office, postalLines }, language: "bilingual" }),
    );
    const words = wordsOfFirstPage(pdf);
    const last = words.find((w) => w.text === "cpc-montreal@agency.example")!;
    expect(last.yMin).toBeLessThan(1.9 * INCH);
    expect(words.find((w) => w.text === "Amina")!.yMin).toBeGreaterThan(1.95 * INCH);
  });

  it("C-4: prints the postal address exactly as on file, line by line", async () => {
    const address = "Flat 3, 12 Rue de la Paix\nBP 1234\nDakar\nSÉNÉGAL";
    const pdf = await renderPostalLetter(letter({ postalAddress: address }));
    const lines = poppler("pdftotext", ["-layout", "-enc", "UTF-8"], pdf)
      .split("\n")
      .map((l) => l.trim());
    const from = lines.indexOf("Amina Diallo");
    expect(lines.slice(from, from + 5)).toEqual(["Amina Diallo", ...address.split("\n")]);
  });

  it("C-4: a malformed deadline is refused", async () => {
    await expect(renderPostalLetter(letter({ deadline: "2026-02-30" }))).rejects.toThrow(RangeError);
    await expect(renderPostalLetter(letter({ deadline: "1 April 2026" }))).rejects.toThrow(RangeError);
  });
});

describe("renderPostalLetter: the letter's language (C-4, C-9)", () => {
  it("C-4: French accents, guillemets and the typographic apostrophe print with the standard fonts", async () => {
    const body =
      "Bonjour Amélie,\n\nÀ la fin de l’été, le garçon très drôle a écrit « Ça va ? » à côté de l’hôpital. Élève, où êtes-vous ?";
    const pdf = await renderPostalLetter(
      letter({
        language: "fr",
        recipientName: "Amélie Côté",
        subject: "Dossier E000123456 : décision",
        body,
      }),
    );
    expect(embedsAFont(pdf)).toBe(false);
    const text = textOf(pdf);
    for (const ch of frenchAccents) expect(text).toContain(ch);
    expect(text).toContain(
      "À la fin de l’été, le garçon très drôle a écrit « Ça va ? » à côté de l’hôpital.",
    );
    expect(text).toContain("Amélie Côté");
    expect(text).toContain("Numéro de dossier : E000123456");
    expect(text).toContain("2 mars 2026");
    expect(text).toContain("Date limite : 1er avril 2026");
    expect(text).toContain("Courriel : cpc-montreal@agency.example");
    expect(text).toContain("Centre de traitement de Montréal");
  });

  it("C-4: a long body runs over several pages, each numbered 'Page X of Y', each with the file number and letter id", async () => {
    const sentence =
      "We are reviewing the application in this file and need the documents listed below, which must reach us before the deadline stated above.";
    const pdf = await renderPostalLetter(letter({ body: longBody(60, sentence) }));
    const pages = Number(infoOf(pdf).Pages);
    expect(pages).toBeGreaterThanOrEqual(3);
    const text = textOf(pdf);
    expect(text).toContain(`Page 1 of ${pages}`);
    expect(text).toContain(`Page 2 of ${pages}`);
    expect(text).toContain(`Page ${pages} of ${pages}`);
    const footer = "File number: E000123456 · Letter ID: corr_01J9Z3K6Q4R8T2V5W7X9Y1Z3A5";
    expect(text.split(footer).length - 1).toBe(pages);
    // Nothing lost at the page breaks: every paragraph is there, in order.
    let at = 0;
    for (let i = 1; i <= 60; i++) {
      const next = text.indexOf(`${i}. ${sentence}`, at);
      expect(next, `paragraph ${i}`).toBeGreaterThan(at);
      at = next;
    }
  });

  it("C-4: a long French letter numbers its pages 'Page X de Y'", async () => {
    const sentence =
      "Veuillez nous faire parvenir ces documents de façon à ce que nous les recevions à temps.";
    const pdf = await renderPostalLetter(letter({ language: "fr", body: longBody(70, sentence) }));
    const pages = Number(infoOf(pdf).Pages);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(textOf(pdf)).toContain(`Page 2 de ${pages}`);
  });

  it("C-9: a bilingual letter carries the French and the English texts, and both offices' names", async () => {
    const values: Record<string, PlaceholderValue> = {
      recipient_name: "Amina Diallo",
      applicant_name: "Amina Diallo",
      file_number: "E000123456",
      office_name: { en: "Montréal Processing Centre", fr: "Centre de traitement de Montréal" },
      office_mailbox: "cpc-montreal@agency.example",
      date: { en: "March 2, 2026", fr: "2 mars 2026" },
      deadline: { en: "April 1, 2026", fr: "1er avril 2026" },
      documents_list: { en: "- Police certificate", fr: "- Certificat de police" },
      non_compliance_outcome: { en: "refused", fr: "refusée" },
    };
    const rendered = renderTemplate(defaultTemplates["request-documents"], "bilingual", values);
    const pdf = await renderPostalLetter(letter({ language: "bilingual", ...rendered }));
    const text = textOf(pdf);
    expect(text).toContain(englishFollowsNotice);
    expect(text).toContain(bilingualSeparator);
    expect(text).toContain("Bonjour Amina Diallo,");
    expect(text).toContain("au plus tard le 1er avril 2026");
    expect(text).toContain("- Certificat de police");
    expect(text).toContain("Dear Amina Diallo,");
    expect(text).toContain("no later than April 1, 2026");
    expect(text).toContain("- Police certificate");
    // pdfkit's own wrapping cut this address after "cpc-": lines now break at spaces only.
    expect(text).toContain("You can write to us at cpc-montreal@agency.example.");
    expect(text).toContain("Vous pouvez nous écrire à cpc-montreal@agency.example.");
    // French first, as in the body.
    expect(text.indexOf("Bonjour")).toBeLessThan(text.indexOf("Dear"));
    expect(text).toContain("Centre de traitement de Montréal");
    expect(text).toContain("Montréal Processing Centre");
    expect(text).toContain("2 mars 2026 / March 2, 2026");
    expect(text).toContain("Numéro de dossier / File number: E000123456");
    const pages = Number(infoOf(pdf).Pages);
    expect(text).toContain(`Page 1 de ${pages} / Page 1 of ${pages}`);
    expect(infoOf(pdf).Author).toBe("Centre de traitement de Montréal / Montréal Processing Centre");
  });
});

describe("renderPostalLetter: names and addresses beyond WinAnsi (C-4)", () => {
  it.each([
    ["Vietnamese", "Nguyễn Thị Minh", "Số 12 Phố Hàng Bạc\nQuận Hoàn Kiếm, Hà Nội\nVIỆT NAM"],
    ["Polish", "Łukasz Żółć", "ul. Świętokrzyska 12\n00-916 Warszawa\nPOLSKA"],
    ["Russian", "Анна Кузнецова", "ул. Тверская, д. 7\nМосква 125009\nРОССИЯ"],
  ])(
    "C-4: a %s name and address do not throw and print as on file, in an embedded Unicode font",
    async (_, name, address) => {
      const input = letter({ recipientName: name, postalAddress: address, body: `Dear ${name},\n\nHello.` });
      const pdf = await renderPostalLetter(input);
      expect(embedsAFont(pdf)).toBe(true);
      const text = textOf(pdf);
      expect(text).toContain(name);
      for (const line of address.split("\n")) expect(text).toContain(line);
      expect(text).toContain(`Dear ${name},`);
      // The rest of the letter is unharmed by the change of font.
      expect(text).toContain("File E000123456: request for additional documents");
      expect(text).toContain("Montréal Processing Centre");
      expect(await unprintableCharacters(input)).toEqual([]);
      expect((await renderPostalLetter(input)).equals(pdf)).toBe(true);
    },
  );

  it("C-4: a letter with an embedded font still prints every plain 'i' as 'i' (Nguyễn Thị comes first)", async () => {
    // "ị" first in the letter: the ToUnicode map must not give every "i" its code point.
    const input = letter({
      office: { nameEn: "Thị", nameFr: "Thị", genericMailbox: "x@agency.example" },
      recipientName: "Thị Minh",
      body: "Dear Minh, this is it.",
    });
    const text = textOf(await renderPostalLetter(input));
    expect(text).toContain("Dear Minh, this is it.");
    expect(text).toContain("Thị Minh");
  });

  it("C-4: characters no font at hand has (Chinese, emoji) do not throw: they print as '?', and are reported", async () => {
    const input = letter({
      recipientName: "王小明 (Wang Xiaoming)",
      body: "Dear Wang Xiaoming 🙂,\n\nHello.",
    });
    expect(await unprintableCharacters(input)).toEqual(["王", "小", "明", "🙂"]);
    const pdf = await renderPostalLetter(input);
    // Nothing Noto Sans could add: the letter stays in the standard fonts.
    expect(embedsAFont(pdf)).toBe(false);
    const text = textOf(pdf);
    expect(text).toContain("??? (Wang Xiaoming)");
    expect(text).toContain("Dear Wang Xiaoming ?,");
  });

  it("C-4: typographic spaces and decomposed accents are not 'beyond WinAnsi'", async () => {
    const input = letter({
      language: "fr",
      recipientName: "Ame\u0301lie Co\u0302te\u0301", // decomposed: e + combining acute
      body: "Le 2\u202fmars à 10\u202fh\u00a0: ceci\u200b est un test\u2011court.",
    });
    expect(await unprintableCharacters(input)).toEqual([]);
    const pdf = await renderPostalLetter(input);
    expect(embedsAFont(pdf)).toBe(false);
    const text = textOf(pdf);
    expect(text).toContain("Amélie Côté");
    expect(text).toContain("Le 2 mars à 10 h : ceci est un test-court.");
  });
});

describe("breakLines", () => {
  // One unit per character: widths are easy to reason about.
  const measure = (s: string) => Array.from(s).length;

  it("breaks at spaces only, never after a hyphen", () => {
    expect(breakLines("write to cpc-montreal@agency.example today", 30, measure)).toEqual([
      "write to",
      "cpc-montreal@agency.example",
      "today",
    ]);
    expect(breakLines("Saint-Antoine Ouest", 15, measure)).toEqual(["Saint-Antoine", "Ouest"]);
  });

  it("keeps a line that fits exactly as written, inner spaces included, and keeps blank lines", () => {
    expect(breakLines("Toronto ON  M5V 2T6\n\n  - item", 30, measure)).toEqual([
      "Toronto ON  M5V 2T6",
      "",
      "  - item",
    ]);
  });

  it("cuts a word wider than the line where it reaches the margin, without splitting a character", () => {
    expect(breakLines("ab 𝒜𝒜𝒜𝒜𝒜 cd", 3, measure)).toEqual(["ab", "𝒜𝒜𝒜", "𝒜𝒜", "cd"]);
  });
});
