/**
 * The check-in table's XSD (checkin-table.xsd beside this file) and validation against it with
 * libxml2 built as WebAssembly (libxml2-wasm): the same engine as Debian's `xmllint --schema`,
 * with no system package and no network (the schema imports nothing). The schema is parsed once
 * and its validator kept, so a validation costs about a millisecond (the reference portal checks
 * every file it receives).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XmlDocument, XmlParseError, XmlValidateError, XsdValidator } from 'libxml2-wasm';

const XSD_FILE = 'checkin-table.xsd';

/**
 * Absolute path of the XSD, beside this module: server/check-in-record/ under tsx, and
 * dist/server/check-in-record/ when built (`npm run build` copies it there from its one home in
 * server/: deploy/copy-runtime-files.mjs), so an installed dist/ needs no sources.
 */
export function checkInXsdPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), XSD_FILE);
}

/** Errors are one short line each (`line N: message`), at most this many. */
const MAX_ERRORS = 20;

/** Parsed once, for the life of the process (the schema file does not change under a running program). */
let validator: XsdValidator | undefined;

function schemaValidator(): XsdValidator {
  if (validator === undefined) {
    const schema = XmlDocument.fromString(readFileSync(checkInXsdPath(), 'utf8'));
    try {
      validator = XsdValidator.fromDoc(schema);
    } finally {
      schema.dispose();
    }
  }
  return validator;
}

function lines(details: ReadonlyArray<{ message: string; line?: number }>): string[] {
  return details.slice(0, MAX_ERRORS).map((e) => {
    const message = e.message.replace(/\s+/g, ' ').trim();
    return e.line ? `line ${e.line}: ${message}` : message;
  });
}

/** Validates a file against the XSD. A file that is not well-formed XML is invalid too (its parse errors are the errors). */
// eslint-disable-next-line @typescript-eslint/require-await -- async is the contract: a validator may move off the thread later.
export async function validateCheckInXml(xml: string): Promise<{ valid: boolean; errors: string[] }> {
  const v = schemaValidator();
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(xml);
  } catch (err) {
    if (err instanceof XmlParseError) return { valid: false, errors: lines(err.details) };
    throw err;
  }
  try {
    v.validate(doc);
    return { valid: true, errors: [] };
  } catch (err) {
    if (err instanceof XmlValidateError) return { valid: false, errors: lines(err.details) };
    throw err;
  } finally {
    doc.dispose();
  }
}
