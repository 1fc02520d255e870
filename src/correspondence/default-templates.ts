import type { LetterType } from "./letter-types.ts";
import type { TemplateTexts } from "./templates.ts";

// The templates every office starts with (SPEC C-9), in both official languages, modelled on the practice
// of seed 000. Office admins may replace them; their replacements pass the same checkTemplate.
//
// Plain text: the same body becomes an email body and a postal letter (C-4), so nothing in it assumes one
// channel ("write to us at", not "reply to this email"), and there are no links and nothing that tracks
// (C-8). Letters may go to a representative (C-3), so they speak of "the application" and name the
// applicant, rather than "your application". Dates arrive formatted without an article (templates.ts).

/** Paragraphs of a letter, separated by one blank line. */
const letter = (...paragraphs: string[]): string => paragraphs.join("\n\n");

const headerEn = "((date))\n\nFile number: ((file_number))\nApplicant: ((applicant_name))";
const headerFr =
  "((date))\n\nNuméro de dossier : ((file_number))\nDemandeur ou demandeuse : ((applicant_name))";
const quoteEn =
  "Please quote the file number, ((file_number)), in all correspondence with us. You can write to us at ((office_mailbox)).";
const quoteFr =
  "Veuillez indiquer le numéro de dossier, ((file_number)), dans toute correspondance avec nous. Vous pouvez nous écrire à ((office_mailbox)).";
const signEn = "Sincerely,\n\n((office_name))";
const signFr = "Veuillez agréer nos salutations distinguées.\n\n((office_name))";

export const defaultTemplates: Record<LetterType, TemplateTexts> = {
  // C-6, seed 000 "Pratiques obligatoires": what is needed, by which date, and what happens without it.
  "request-documents": {
    subjectEn: "File ((file_number)): request for additional documents",
    bodyEn: letter(
      headerEn,
      "Dear ((recipient_name)),",
      "We are reviewing the application in this file. To continue processing it, we need the following documents:",
      "((documents_list))",
      "Please send these documents so that we receive them no later than ((deadline)).",
      "If we do not receive the documents by that date, the application may be ((non_compliance_outcome)).",
      "If you cannot provide a document by that date, write to us before the deadline, explaining why and when you expect to provide it.",
      quoteEn,
      signEn,
    ),
    subjectFr: "Dossier ((file_number)) : demande de documents supplémentaires",
    bodyFr: letter(
      headerFr,
      "Bonjour ((recipient_name)),",
      "Nous étudions la demande visée par ce dossier. Pour en poursuivre le traitement, nous avons besoin des documents suivants :",
      "((documents_list))",
      "Veuillez nous faire parvenir ces documents de façon à ce que nous les recevions au plus tard le ((deadline)).",
      "Si nous ne recevons pas les documents d’ici cette date, la demande pourrait être ((non_compliance_outcome)).",
      "Si vous ne pouvez pas fournir un document d’ici cette date, écrivez-nous avant l’échéance en expliquant pourquoi et à quel moment vous prévoyez de le fournir.",
      quoteFr,
      signFr,
    ),
  },

  // C-6: the interview date is the letter's deadline; the letter says what not attending may lead to.
  "interview-convocation": {
    subjectEn: "File ((file_number)): convocation to an interview",
    bodyEn: letter(
      headerEn,
      "Dear ((recipient_name)),",
      "((applicant_name)) is required to attend an interview about the application in this file, at the date, time and place below.",
      "Date and time: ((interview_date))\nPlace: ((interview_place))",
      "Please bring this letter, identity documents that are valid on the day of the interview, and the following:",
      "((documents_list))",
      "If ((applicant_name)) does not attend the interview, the application may be ((non_compliance_outcome)).",
      "If attending at that date and time is not possible, write to us as soon as possible, before the interview date, explaining why.",
      quoteEn,
      signEn,
    ),
    subjectFr: "Dossier ((file_number)) : convocation à une entrevue",
    bodyFr: letter(
      headerFr,
      "Bonjour ((recipient_name)),",
      "((applicant_name)) doit se présenter à une entrevue au sujet de la demande visée par ce dossier, à la date, à l’heure et à l’endroit indiqués ci-dessous.",
      "Date et heure : ((interview_date))\nEndroit : ((interview_place))",
      "Veuillez apporter la présente lettre, des pièces d’identité valides le jour de l’entrevue, ainsi que les documents suivants :",
      "((documents_list))",
      "Si ((applicant_name)) ne se présente pas à l’entrevue, la demande pourrait être ((non_compliance_outcome)).",
      "S’il n’est pas possible de se présenter à cette date et à cette heure, écrivez-nous dès que possible, avant la date de l’entrevue, en expliquant pourquoi.",
      quoteFr,
      signFr,
    ),
  },

  approval: {
    subjectEn: "File ((file_number)): application approved",
    bodyEn: letter(
      headerEn,
      "Dear ((recipient_name)),",
      "We are pleased to inform you that the application of ((applicant_name)) has been approved.",
      "Next steps:",
      "((next_steps))",
      quoteEn,
      signEn,
    ),
    subjectFr: "Dossier ((file_number)) : demande approuvée",
    bodyFr: letter(
      headerFr,
      "Bonjour ((recipient_name)),",
      "Nous avons le plaisir de vous informer que la demande de ((applicant_name)) a été approuvée.",
      "Prochaines étapes :",
      "((next_steps))",
      quoteFr,
      signFr,
    ),
  },

  refusal: {
    subjectEn: "File ((file_number)): decision on the application",
    bodyEn: letter(
      headerEn,
      "Dear ((recipient_name)),",
      "We have completed our review of the application of ((applicant_name)). After careful consideration of all the information on file, the application is refused.",
      "The reasons for this decision are as follows:",
      "((decision_reasons))",
      "If you disagree with this decision, you may apply to the Federal Court of Canada for leave and for judicial review. Strict time limits apply; you may wish to seek legal advice.",
      quoteEn,
      signEn,
    ),
    subjectFr: "Dossier ((file_number)) : décision relative à la demande",
    bodyFr: letter(
      headerFr,
      "Bonjour ((recipient_name)),",
      "Nous avons terminé l’examen de la demande de ((applicant_name)). Après un examen attentif de tous les renseignements au dossier, la demande est refusée.",
      "Les motifs de cette décision sont les suivants :",
      "((decision_reasons))",
      "Si vous n’êtes pas d’accord avec cette décision, vous pouvez présenter à la Cour fédérale du Canada une demande d’autorisation et de contrôle judiciaire. Des délais stricts s’appliquent; vous voudrez peut-être obtenir un avis juridique.",
      quoteFr,
      signFr,
    ),
  },

  // C-21, seed 000 "Transferts de dossiers": the file moved, and the new office may write.
  "file-transfer": {
    subjectEn: "File ((file_number)): transfer to another office",
    bodyEn: letter(
      headerEn,
      "Dear ((recipient_name)),",
      "We are writing to let you know that the file above has been transferred to another office for processing.",
      "Previous office: ((office_name))\nNew office: ((new_office_name))",
      "You may now receive correspondence about this file from the new office. You do not need to do anything in response to this notice.",
      "From now on, please send any documents or questions about this file to the new office at ((new_office_mailbox)), quoting the file number, ((file_number)).",
      signEn,
    ),
    subjectFr: "Dossier ((file_number)) : transfert à un autre bureau",
    bodyFr: letter(
      headerFr,
      "Bonjour ((recipient_name)),",
      "Nous vous informons que le dossier ci-dessus a été transféré à un autre bureau aux fins de traitement.",
      "Ancien bureau : ((office_name))\nNouveau bureau : ((new_office_name))",
      "Vous pourriez dorénavant recevoir de la correspondance du nouveau bureau au sujet de ce dossier. Vous n’avez rien à faire en réponse au présent avis.",
      "Dorénavant, veuillez envoyer tout document ou toute question au sujet de ce dossier au nouveau bureau, à l’adresse ((new_office_mailbox)), en indiquant le numéro de dossier, ((file_number)).",
      signFr,
    ),
  },

  // C-22, seed 000 "Demandes de réexamen ou de réactivation": the decision and its written reasons.
  "reconsideration-decision": {
    subjectEn: "File ((file_number)): decision on the request for reconsideration",
    bodyEn: letter(
      headerEn,
      "Dear ((recipient_name)),",
      "On ((request_date)), we received a request to reconsider or reactivate the application of ((applicant_name)). A decision-maker has reviewed the request, the reasons given and the documents provided.",
      "Decision: ((decision_outcome))",
      "Reasons:",
      "((decision_reasons))",
      quoteEn,
      signEn,
    ),
    subjectFr: "Dossier ((file_number)) : décision relative à la demande de réexamen",
    bodyFr: letter(
      headerFr,
      "Bonjour ((recipient_name)),",
      "Le ((request_date)), nous avons reçu une demande de réexamen ou de réactivation de la demande de ((applicant_name)). Un décideur ou une décideuse a examiné la demande, les motifs invoqués et les documents fournis.",
      "Décision : ((decision_outcome))",
      "Motifs :",
      "((decision_reasons))",
      quoteFr,
      signFr,
    ),
  },

  general: {
    subjectEn: "File ((file_number)): message about the application",
    bodyEn: letter(headerEn, "Dear ((recipient_name)),", "((agent_note))", quoteEn, signEn),
    subjectFr: "Dossier ((file_number)) : message au sujet de la demande",
    bodyFr: letter(headerFr, "Bonjour ((recipient_name)),", "((agent_note))", quoteFr, signFr),
  },
};
