import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultTemplates } from "../../src/correspondence/default-templates.ts";
import {
  allowedPlaceholders,
  deadlinePlaceholderOf,
  type LetterType,
  letterTypes,
  requiresDeadline,
} from "../../src/correspondence/letter-types.ts";
import {
  bilingualSeparator,
  checkTemplate,
  describeTemplateProblem,
  englishFollowsNotice,
  type LetterTemplate,
  type PlaceholderName,
  type PlaceholderValue,
  parsePlaceholders,
  placeholderNames,
  placeholderVocabulary,
  renderTemplate,
  TemplateRenderError,
  TemplateSyntaxError,
  type TemplateTexts,
} from "../../src/correspondence/templates.ts";
import type { Language } from "../../src/files/model.ts";

// ---------------------------------------------------------------------------------------------------
// Local factory

/** A value for every placeholder of the vocabulary, per language where a real letter would differ. */
const fullValues: Record<PlaceholderName, PlaceholderValue> = {
  recipient_name: "Amina Diallo",
  applicant_name: "Amina Diallo",
  file_number: "E000123456",
  office_name: { en: "Sydney Processing Centre", fr: "Centre de traitement de Sydney" },
  office_mailbox: "sydney-cpc@agency.example",
  date: { en: "2 March 2026", fr: "2 mars 2026" },
  deadline: { en: "1 April 2026", fr: "1er avril 2026" },
  documents_list: {
    en: "- Police certificate\n- Passport copy",
    fr: "- Certificat de police\n- Copie du passeport",
  },
  non_compliance_outcome: { en: "refused", fr: "refusée" },
  interview_date: { en: "14 April 2026 at 10:00", fr: "14 avril 2026 à 10 h" },
  interview_place: "300 Main Street, Sydney NS",
  next_steps: { en: "Send us your passport.", fr: "Envoyez-nous votre passeport." },
  decision_reasons: { en: "The documents were not provided.", fr: "Les documents n’ont pas été fournis." },
  new_office_name: { en: "Visa Office Dakar", fr: "Bureau des visas de Dakar" },
  new_office_mailbox: "dakar-visa@agency.example",
  request_date: { en: "20 February 2026", fr: "20 février 2026" },
  decision_outcome: { en: "The application is reopened.", fr: "La demande est rouverte." },
  agent_note: { en: "Your file is in processing.", fr: "Votre dossier est en traitement." },
};

function valueIn(v: PlaceholderValue, language: "en" | "fr"): string {
  return typeof v === "string" ? v : v[language];
}

/** A template that passes every check, for tests that then break one thing. */
function goodTemplate(
  type: LetterType = "request-documents",
  overrides: Partial<TemplateTexts> = {},
): LetterTemplate {
  return { type, ...defaultTemplates[type], ...overrides };
}

const codes = (t: LetterTemplate) => checkTemplate(t).map((p) => p.code);

// ---------------------------------------------------------------------------------------------------

describe("letter types (C-9, C-6)", () => {
  it("C-9: there are exactly seven letter types, each with a default template", () => {
    expect([...letterTypes].sort()).toEqual(
      [
        "approval",
        "file-transfer",
        "general",
        "interview-convocation",
        "reconsideration-decision",
        "refusal",
        "request-documents",
      ].sort(),
    );
    expect(Object.keys(defaultTemplates).sort()).toEqual([...letterTypes].sort());
  });

  it("C-6: requiresDeadline is true exactly for a request for documents and a convocation", () => {
    const needing = letterTypes.filter(requiresDeadline);
    expect(needing).toEqual(["request-documents", "interview-convocation"]);
    expect(deadlinePlaceholderOf("request-documents")).toBe("deadline");
    expect(deadlinePlaceholderOf("interview-convocation")).toBe("interview_date");
    for (const t of letterTypes) {
      const p = deadlinePlaceholderOf(t);
      if (p) expect(allowedPlaceholders[t]).toContain(p);
    }
  });

  it("C-9: every placeholder a type allows is in the vocabulary, and every one is used by some type", () => {
    const allowedAnywhere = new Set(letterTypes.flatMap((t) => allowedPlaceholders[t]));
    for (const name of allowedAnywhere) expect(placeholderNames).toContain(name);
    expect([...allowedAnywhere].sort()).toEqual([...placeholderNames].sort());
    for (const name of placeholderNames) expect(placeholderVocabulary[name].length).toBeGreaterThan(10);
  });

  it("C-6: a general letter may not carry a ((deadline)): asking for something by a date is a request for documents", () => {
    expect(allowedPlaceholders.general).not.toContain("deadline");
  });
});

describe("parsePlaceholders (C-9)", () => {
  it("C-9: lists names once each, in order of first appearance", () => {
    expect(parsePlaceholders("((b)) then ((a)), ((b)) again and ((c))")).toEqual(["b", "a", "c"]);
    expect(parsePlaceholders("No placeholder at all.")).toEqual([]);
    expect(parsePlaceholders("")).toEqual([]);
  });

  it("C-9: tolerates spaces and tabs around the name", () => {
    expect(parsePlaceholders("by (( deadline )) and ((\tdate\t))")).toEqual(["deadline", "date"]);
  });

  it("C-9: extra opening parentheses are text, and a lone '))' is text (a legal citation)", () => {
    expect(parsePlaceholders("(((deadline))) under subsection 10(1))")).toEqual(["deadline"]);
    expect(parsePlaceholders("(see section 16(1))")).toEqual([]);
  });

  it("C-9: reports every malformed placeholder, with its reason and offset", () => {
    const cases: [string, string, number][] = [
      ["Date: ((unclosed", "unclosed", 6],
      ["((bad name!))", "invalid-name", 0],
      ["x (()) y", "empty", 2],
      ["((  ))", "empty", 0],
      ["((dead\nline))", "unclosed", 0],
      ["((9lives))", "invalid-name", 0],
    ];
    for (const [text, reason, index] of cases) {
      let thrown: unknown;
      try {
        parsePlaceholders(text);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, text).toBeInstanceOf(TemplateSyntaxError);
      expect((thrown as TemplateSyntaxError).malformed[0]).toMatchObject({ reason, index });
    }
  });

  it("C-9: a malformed placeholder does not hide the well-formed ones after it", () => {
    let thrown: TemplateSyntaxError | undefined;
    try {
      parsePlaceholders("((oops ((deadline)) ((bad!))");
    } catch (e) {
      thrown = e as TemplateSyntaxError;
    }
    expect(thrown?.malformed.map((m) => m.reason)).toEqual(["unclosed", "invalid-name"]);
    expect(thrown?.message).toContain("((oops");
  });
});

describe("checkTemplate (C-9, C-6)", () => {
  it.each(letterTypes)("C-9: the default %s template passes every check", (type) => {
    expect(checkTemplate(goodTemplate(type))).toEqual([]);
  });

  it("C-9: an unknown placeholder is refused and named, with where it is and what it likely meant", () => {
    const t = goodTemplate("request-documents", {
      bodyFr: `${defaultTemplates["request-documents"].bodyFr}\n((dealine)) ((Deadline)) ((colour))`,
    });
    const problems = checkTemplate(t).filter((p) => p.code === "UNKNOWN_PLACEHOLDER");
    expect(problems).toEqual([
      { code: "UNKNOWN_PLACEHOLDER", name: "dealine", suggestion: "deadline", language: "fr", field: "body" },
      {
        code: "UNKNOWN_PLACEHOLDER",
        name: "Deadline",
        suggestion: "deadline",
        language: "fr",
        field: "body",
      },
      { code: "UNKNOWN_PLACEHOLDER", name: "colour", suggestion: undefined, language: "fr", field: "body" },
    ]);
    expect(describeTemplateProblem(problems[0]!)).toContain("((dealine))");
    expect(describeTemplateProblem(problems[0]!)).toContain("FR");
  });

  it("C-9: an unknown placeholder in the English subject is located there", () => {
    const t = goodTemplate("approval", { subjectEn: "File ((file_numbr))" });
    expect(checkTemplate(t)).toContainEqual({
      code: "UNKNOWN_PLACEHOLDER",
      name: "file_numbr",
      suggestion: "file_number",
      language: "en",
      field: "subject",
    });
  });

  it("C-9: malformed placeholder syntax is refused, with the field, language and excerpt", () => {
    const t = goodTemplate("refusal", {
      bodyEn: "Dear ((recipient_name)),\n\nReasons: ((decision reasons))",
    });
    const problems = checkTemplate(t);
    expect(problems).toContainEqual({
      code: "MALFORMED_PLACEHOLDER",
      language: "en",
      field: "body",
      reason: "invalid-name",
      index: 35,
      excerpt: "((decision reasons))",
    });
  });

  it("C-9: a template in one language only is refused", () => {
    const enOnly = goodTemplate("general", { subjectFr: "", bodyFr: "  \n" });
    expect(checkTemplate(enOnly)).toEqual([
      { code: "LANGUAGE_MISSING", language: "fr", field: "subject" },
      { code: "LANGUAGE_MISSING", language: "fr", field: "body" },
    ]);
    const noEnglishSubject = goodTemplate("general", { subjectEn: "" });
    expect(codes(noEnglishSubject)).toEqual(["LANGUAGE_MISSING"]);
  });

  it("C-6: a request for documents whose body has no ((deadline)) is refused", () => {
    const body = defaultTemplates["request-documents"].bodyEn.replaceAll("((deadline))", "soon");
    const problems = checkTemplate(goodTemplate("request-documents", { bodyEn: body }));
    expect(problems).toEqual([
      { code: "DEADLINE_REQUIRED", language: "en", letterType: "request-documents", placeholder: "deadline" },
    ]);
    expect(describeTemplateProblem(problems[0]!)).toContain("((deadline))");
  });

  it("C-6: a convocation whose bodies have no ((interview_date)) is refused in each language", () => {
    const d = defaultTemplates["interview-convocation"];
    const t = goodTemplate("interview-convocation", {
      bodyEn: d.bodyEn.replaceAll("((interview_date))", "soon"),
      bodyFr: d.bodyFr.replaceAll("((interview_date))", "bientôt"),
    });
    expect(checkTemplate(t)).toEqual([
      {
        code: "DEADLINE_REQUIRED",
        language: "en",
        letterType: "interview-convocation",
        placeholder: "interview_date",
      },
      {
        code: "DEADLINE_REQUIRED",
        language: "fr",
        letterType: "interview-convocation",
        placeholder: "interview_date",
      },
    ]);
  });

  it("C-6: a deadline only in the subject is not enough: the body must carry it", () => {
    const d = defaultTemplates["request-documents"];
    const t = goodTemplate("request-documents", {
      subjectEn: "Documents due ((deadline))",
      bodyEn: d.bodyEn.replaceAll("((deadline))", "soon"),
    });
    expect(codes(t)).toContain("DEADLINE_REQUIRED");
  });

  it("C-9: a known placeholder outside its letter type is refused", () => {
    const t = goodTemplate("refusal", {
      bodyEn: `${defaultTemplates.refusal.bodyEn}\nCome to ((interview_place)).`,
      bodyFr: `${defaultTemplates.refusal.bodyFr}\nVenez à ((interview_place)).`,
    });
    expect(checkTemplate(t)).toEqual([
      {
        code: "PLACEHOLDER_NOT_ALLOWED",
        name: "interview_place",
        letterType: "refusal",
        language: "en",
        field: "body",
      },
      {
        code: "PLACEHOLDER_NOT_ALLOWED",
        name: "interview_place",
        letterType: "refusal",
        language: "fr",
        field: "body",
      },
    ]);
  });

  it("C-6: a general letter that uses ((deadline)) is refused", () => {
    const t = goodTemplate("general", {
      bodyEn: "Send it by ((deadline)).",
      bodyFr: "Envoyez-le d’ici le ((deadline)).",
    });
    expect(codes(t)).toEqual(["PLACEHOLDER_NOT_ALLOWED", "PLACEHOLDER_NOT_ALLOWED"]);
  });

  it("C-9: a placeholder shown in one language and not the other is refused", () => {
    const t = goodTemplate("approval", { bodyEn: `${defaultTemplates.approval.bodyEn}\nSent on ((date)).` });
    expect(checkTemplate(t)).toEqual([]);
    const u = goodTemplate("approval", { subjectEn: "Application approved for ((applicant_name))" });
    expect(checkTemplate(u)).toEqual([]);
    const v = goodTemplate("approval", {
      bodyFr: defaultTemplates.approval.bodyFr.replace("((next_steps))", "Rien."),
    });
    expect(checkTemplate(v)).toEqual([
      { code: "PLACEHOLDER_IN_ONE_LANGUAGE", name: "next_steps", presentIn: "en", missingFrom: "fr" },
    ]);
  });

  it("C-9: a subject with a line break is refused", () => {
    const t = goodTemplate("general", { subjectFr: "Dossier ((file_number))\nBcc: x@example.org" });
    expect(checkTemplate(t)).toEqual([{ code: "SUBJECT_NOT_ONE_LINE", language: "fr", field: "subject" }]);
  });
});

describe("renderTemplate (C-9, C-6)", () => {
  const languages: Language[] = ["en", "fr", "bilingual"];

  for (const type of letterTypes) {
    it.each(languages)(
      `C-9: the default ${type} template renders in %s with every value and no '((' left`,
      (language) => {
        const t = defaultTemplates[type];
        const { subject, body } = renderTemplate(t, language, fullValues);
        const text = `${subject}\n${body}`;
        expect(text).not.toContain("((");
        expect(text).not.toContain("))");
        const inLanguages: ("en" | "fr")[] = language === "bilingual" ? ["fr", "en"] : [language];
        for (const l of inLanguages) {
          const lang = l === "en" ? "En" : "Fr";
          const used = parsePlaceholders(`${t[`subject${lang}`]}\n${t[`body${lang}`]}`);
          expect(used.length).toBeGreaterThan(0);
          for (const name of used) expect(text).toContain(valueIn(fullValues[name as PlaceholderName], l));
        }
        const deadline = deadlinePlaceholderOf(type);
        if (deadline) for (const l of inLanguages) expect(body).toContain(valueIn(fullValues[deadline], l));
      },
    );
  }

  it("C-9: a bilingual letter is French first, then English, under a subject 'FR / EN'", () => {
    const t: TemplateTexts = {
      subjectEn: "Hello",
      bodyEn: "English ((file_number))",
      subjectFr: "Bonjour",
      bodyFr: "Français ((file_number))\n",
    };
    const r = renderTemplate(t, "bilingual", { file_number: "E000000001" });
    expect(r.subject).toBe("Bonjour / Hello");
    expect(r.body).toBe(
      `${englishFollowsNotice}\n\nFrançais E000000001\n\n${bilingualSeparator}\n\nEnglish E000000001`,
    );
    expect(renderTemplate(t, "fr", { file_number: "E000000001" })).toEqual({
      subject: "Bonjour",
      body: "Français E000000001\n",
    });
    expect(renderTemplate(t, "en", { file_number: "E000000001" })).toEqual({
      subject: "Hello",
      body: "English E000000001",
    });
  });

  it("C-9: a value given per language goes into the half written in that language", () => {
    const t: TemplateTexts = {
      subjectEn: "S",
      bodyEn: "By ((deadline))",
      subjectFr: "S",
      bodyFr: "Le ((deadline))",
    };
    const values = { deadline: { en: "1 April 2026", fr: "1er avril 2026" } };
    const r = renderTemplate(t, "bilingual", values);
    expect(r.body).toContain("Le 1er avril 2026");
    expect(r.body).toContain("By 1 April 2026");
    expect(r.body).not.toContain("By 1er avril");
  });

  it("C-6: a missing value throws, naming every missing placeholder", () => {
    const { deadline: _d, documents_list: _l, ...rest } = fullValues;
    let thrown: unknown;
    try {
      renderTemplate(defaultTemplates["request-documents"], "en", rest);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TemplateRenderError);
    const err = thrown as TemplateRenderError;
    expect(err.code).toBe("MISSING_VALUES");
    expect(err.missing).toEqual(["documents_list", "deadline"]);
    expect(err.message).toContain("((deadline))");
    expect(err.message).toContain("((documents_list))");
  });

  it("C-6: a blank value counts as missing, as does a value missing in one half of a bilingual letter", () => {
    expect(() =>
      renderTemplate(defaultTemplates["request-documents"], "fr", { ...fullValues, deadline: "  " }),
    ).toThrow(/\(\(deadline\)\)/);
    expect(() =>
      renderTemplate(defaultTemplates["request-documents"], "bilingual", {
        ...fullValues,
        deadline: { en: "1 April 2026", fr: "" },
      }),
    ).toThrow(TemplateRenderError);
    expect(() =>
      renderTemplate(defaultTemplates["request-documents"], "en", {
        ...fullValues,
        deadline: { en: "1 April 2026", fr: "" },
      }),
    ).not.toThrow();
  });

  it("C-9: values are inserted as plain text and never expanded again", () => {
    const t: TemplateTexts = {
      subjectEn: "((agent_note))",
      bodyEn: "Note: ((agent_note)) / ((file_number))",
      subjectFr: "((agent_note))",
      bodyFr: "Note : ((agent_note))",
    };
    const values = { agent_note: "see ((file_number)) and $& $1 $$", file_number: "E000000001" };
    const r = renderTemplate(t, "en", values);
    expect(r.body).toBe("Note: see ((file_number)) and $& $1 $$ / E000000001");
    expect(r.subject).toBe("see ((file_number)) and $& $1 $$");
  });

  it("C-9: line breaks in a value placed in the subject become single spaces; the body keeps them", () => {
    const t: TemplateTexts = {
      subjectEn: "About ((agent_note))",
      bodyEn: "((agent_note))",
      subjectFr: "Objet ((agent_note))",
      bodyFr: "((agent_note))",
    };
    const r = renderTemplate(t, "en", { agent_note: "line one\r\n  line two\nthree" });
    expect(r.subject).toBe("About line one line two three");
    expect(r.body).toBe("line one\r\n  line two\nthree");
  });

  it("C-9: a template without text in the language asked for, or malformed, cannot be rendered", () => {
    const enOnly: TemplateTexts = { subjectEn: "S", bodyEn: "B", subjectFr: "", bodyFr: "" };
    expect(renderTemplate(enOnly, "en", {})).toEqual({ subject: "S", body: "B" });
    expect(() => renderTemplate(enOnly, "fr", {})).toThrow(TemplateRenderError);
    expect(() => renderTemplate(enOnly, "bilingual", {})).toThrow(/fr/);
    const broken: TemplateTexts = { subjectEn: "S", bodyEn: "((oops", subjectFr: "S", bodyFr: "B" };
    expect(() => renderTemplate(broken, "en", {})).toThrow(TemplateSyntaxError);
    expect(renderTemplate(broken, "fr", {})).toEqual({ subject: "S", body: "B" });
  });

  it("C-9: values for placeholders the template does not use are ignored", () => {
    const t: TemplateTexts = {
      subjectEn: "S",
      bodyEn: "((file_number))",
      subjectFr: "S",
      bodyFr: "((file_number))",
    };
    expect(renderTemplate(t, "en", { file_number: "E1", deadline: "x", unknown_thing: "y" }).body).toBe("E1");
  });
});

describe("renderTemplate properties (C-9, C-6)", () => {
  // Safe values: no parentheses (so a value cannot complete a "((" with the text around it), no line
  // breaks (so a value reads the same in the subject), and not blank.
  const safeValue = fc
    .string({ minLength: 1, maxLength: 20, unit: "grapheme" })
    .filter((s) => !/[()\r\n]/.test(s) && s.trim() !== "");
  const safeValues = fc.record(
    Object.fromEntries(
      placeholderNames.map((n) => [n, fc.record({ en: safeValue, fr: safeValue })]),
    ) as Record<PlaceholderName, fc.Arbitrary<{ en: string; fr: string }>>,
  );

  it("C-9: rendering a default template with any safe values leaves no '((' and includes every value", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...letterTypes),
        fc.constantFrom<Language>("en", "fr", "bilingual"),
        safeValues,
        (type, language, values) => {
          const t = defaultTemplates[type];
          const { subject, body } = renderTemplate(t, language, values);
          expect(subject).not.toContain("((");
          expect(body).not.toContain("((");
          const inLanguages: ("en" | "fr")[] = language === "bilingual" ? ["fr", "en"] : [language];
          for (const l of inLanguages) {
            const lang = l === "en" ? "En" : "Fr";
            for (const name of parsePlaceholders(t[`body${lang}`])) {
              expect(body).toContain(values[name as PlaceholderName][l]);
            }
            for (const name of parsePlaceholders(t[`subject${lang}`])) {
              expect(subject).toContain(values[name as PlaceholderName][l]);
            }
          }
        },
      ),
    );
  });

  it("C-9: any template of literal text and placeholders renders to exactly its parts with the values in place", () => {
    const literal = fc.string({ maxLength: 12 }).filter((s) => !s.includes("(") && !s.includes(")"));
    const part = fc.oneof(
      literal.map((text) => ({ text })),
      fc.record({ name: fc.constantFrom(...placeholderNames), pad: fc.constantFrom("", " ", "\t") }),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }), safeValues, (parts, values) => {
        const source = parts.map((p) => ("text" in p ? p.text : `((${p.pad}${p.name}${p.pad}))`)).join("");
        const expected = parts.map((p) => ("text" in p ? p.text : values[p.name].en)).join("");
        const t: TemplateTexts = { subjectEn: "S", bodyEn: `x${source}`, subjectFr: "S", bodyFr: "x" };
        const r = renderTemplate(t, "en", values);
        expect(r.body).toBe(`x${expected}`);
        expect(r.body).not.toContain("((");
        expect(parsePlaceholders(source)).toEqual([
          ...new Set(parts.flatMap((p) => ("name" in p ? [p.name] : []))),
        ]);
      }),
    );
  });
});
