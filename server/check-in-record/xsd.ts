/**
 * The check-in table's XSD (checkin-table.xsd beside this file) and validation against it with
 * libxml2 built as WebAssembly (xmllint-wasm): the same engine as Debian's `xmllint --schema`,
 * with no system package and no network (the schema imports nothing).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { projectRoot } from '../project-root.js';

const XSD_FILE = 'checkin-table.xsd';

/**
 * Absolute path of the XSD. Resolved from the project root, not from this module, because a
 * build (dist/) holds only the compiled JavaScript: the schema stays in server/.
 */
export function checkInXsdPath(): string {
  return join(projectRoot(), 'server', 'check-in-record', XSD_FILE);
}

let schemaText: string | undefined;

/** Errors are one short line each (`line N: message`), at most this many. */
const MAX_ERRORS = 20;

/** Validates a file against the XSD. A file that is not well-formed XML is invalid too (its parse errors are the errors). */
export async function validateCheckInXml(xml: string): Promise<{ valid: boolean; errors: string[] }> {
  schemaText ??= readFileSync(checkInXsdPath(), 'utf8');
  const result = await validateXML({
    xml: { fileName: 'check-in.xml', contents: xml },
    schema: { fileName: XSD_FILE, contents: schemaText },
  });
  const errors = result.errors.slice(0, MAX_ERRORS).map((e) => {
    const message = e.message.replace(/\s+/g, ' ').trim();
    return e.loc ? `line ${e.loc.lineNumber}: ${message}` : message;
  });
  return { valid: result.valid, errors };
}
