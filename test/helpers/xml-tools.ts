/**
 * The system's own XML tools as independent checks of what the kiosk writes: `xmllint --schema`
 * (Debian's libxml2-utils) for the XSD and `xmlsec1 --verify` (Debian's xmlsec1) for the
 * signature. Each writes its input to a temporary folder, runs the tool with execFile (no shell)
 * and reports the exit code and stderr; neither tool touches the network.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const XMLLINT = '/usr/bin/xmllint';
export const XMLSEC1 = '/usr/bin/xmlsec1';

export interface ToolRun {
  code: number;
  stderr: string;
}

function run(file: string, args: readonly string[]): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 30_000 }, (err, _stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stderr: String(stderr) });
    });
  });
}

async function withFiles<T>(files: Record<string, string>, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'xml-tools-'));
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `xmllint --noout --nonet --schema XSD FILE`: 0 when the file validates. */
export function xmllintSchema(xsdPath: string, xml: string): Promise<ToolRun> {
  return withFiles({ 'file.xml': xml }, (dir) => run(XMLLINT, ['--noout', '--nonet', '--schema', xsdPath, join(dir, 'file.xml')]));
}

/** `xmlsec1 --verify --pubkey-cert-pem CERT FILE`: 0 when the signature verifies with that certificate's key. */
export function xmlsecVerify(xml: string, certPem: string): Promise<ToolRun> {
  return withFiles({ 'file.xml': xml, 'cert.pem': certPem }, (dir) =>
    run(XMLSEC1, ['--verify', '--pubkey-cert-pem', join(dir, 'cert.pem'), join(dir, 'file.xml')]),
  );
}
