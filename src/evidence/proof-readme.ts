// The README.txt of a proof package, in both languages: what each file is and how to check it, for a
// reader who has only the package.

export function packageReadme(correspondenceId: string): string {
  return `Proof of sending — correspondence ${correspondenceId}
=====================================================================

Files
  summary-en.pdf / summary-fr.pdf  the printable summary: what was sent, to which address, when,
                                   what the mail server answered, and anything that weakens the proof
  message.eml                      the exact message handed to the mail server (RFC 5322), DKIM-signed
  note.txt                         the readable note written on the file when the letter left
  manifest.json                    the letter, its ledger events and the recipient's address history,
                                   each with its inclusion proof in a signed tree head; the findings;
                                   the SHA-256 of every other file
  manifest.sig                     the agency's Ed25519 signature over manifest.json (base64)
  ledger-public-key.pem            the agency's ledger public key, also published at
                                   /.well-known/liaison-ledger-key

How to check it
  liaison proof verify <this folder or .zip> [--key <public key obtained from the agency>]
  It recomputes the hash of message.eml and of each file, checks each event's inclusion proof
  (RFC 9162) against the signed tree head, the tree head's signature and the manifest's signature,
  the DKIM signature of the message against the key record in force when it was sent, and that the
  findings follow from the events. Any altered byte makes it fail and say where.
  The ledger's hashing: leaf = SHA-256(0x00 || event bytes), node = SHA-256(0x01 || left || right).

Preuve d'envoi — correspondance ${correspondenceId}
=====================================================================

Fichiers
  summary-fr.pdf / summary-en.pdf  le résumé imprimable : ce qui a été envoyé, à quelle adresse, quand,
                                   ce que le serveur de courriel a répondu, et tout ce qui affaiblit la preuve
  message.eml                      le message exact remis au serveur de courriel (RFC 5322), signé DKIM
  note.txt                         la note lisible inscrite au dossier à l'envoi de la lettre
  manifest.json                    la lettre, ses événements au registre et l'historique des adresses du
                                   destinataire, chacun avec sa preuve d'inclusion dans une tête d'arbre
                                   signée; les constats; le SHA-256 de chaque autre fichier
  manifest.sig                     la signature Ed25519 de l'organisme sur manifest.json (base64)
  ledger-public-key.pem            la clé publique du registre de l'organisme, publiée aussi à
                                   /.well-known/liaison-ledger-key

Comment le vérifier
  liaison proof verify <ce dossier ou .zip> [--key <clé publique obtenue de l'organisme>]
  La commande recalcule l'empreinte de message.eml et de chaque fichier, vérifie la preuve d'inclusion
  (RFC 9162) de chaque événement dans la tête d'arbre signée, la signature de la tête d'arbre et celle
  du manifeste, la signature DKIM du message avec la clé en vigueur à l'envoi, et que les constats
  découlent des événements. Tout octet modifié la fait échouer en disant où.
`;
}
