/**
 * Verifies a check-in file's facility signature against a certificate the verifier already
 * trusts (the reference portal: the facility's registered certificate). Pure; never throws for a
 * bad file: it answers with a code.
 *
 * Only the profile sign.ts makes is accepted, checked on the document before any cryptography:
 * - exactly one ds:Signature, and it is the only child of CHUKYDONVI, the root's last child;
 * - exclusive c14n, RSA-SHA256, SHA-256, exactly one Reference, with URI="" and exactly the
 *   enveloped-signature and exclusive-c14n transforms: the signature covers the whole document
 *   but itself, so nothing can be added beside a signed part (signature wrapping);
 * - the key is the trusted certificate's, never one from KeyInfo; a KeyInfo certificate other
 *   than the trusted one is CERTIFICATE_MISMATCH (the file says another signer).
 * On success `signedXml` is what the signature covers (xml-crypto's signed reference, the
 * canonical document without the signature): the reader parses that, never the raw input.
 */
import { X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { XMLDSIG_NS, XMLDSIG_PROFILE } from './sign.js';
import { CHECKIN_ROOT, CHECKIN_SIGNATURE_ELEMENT } from './xml.js';

export type SignatureFailure = 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID' | 'SIGNATURE_UNSUPPORTED' | 'CERTIFICATE_MISMATCH';

export type SignatureCheck = { ok: true; signedXml: string } | { ok: false; code: SignatureFailure; detail: string };

const ELEMENT_NODE = 1;

function fail(code: SignatureFailure, detail: string): SignatureCheck {
  return { ok: false, code, detail };
}

/** Element children of `node` (text and comments skipped). */
function elements(node: Node): Element[] {
  const out: Element[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.nodeType === ELEMENT_NODE) out.push(c as Element);
  return out;
}

/** The ds: children of `parent` named `name`. */
function dsChildren(parent: Element, name: string): Element[] {
  return elements(parent).filter((e) => e.namespaceURI === XMLDSIG_NS && e.localName === name);
}

function onlyDsChild(parent: Element, name: string): Element | undefined {
  const found = dsChildren(parent, name);
  return found.length === 1 ? found[0] : undefined;
}

function parse(xml: string): Document | undefined {
  // A DOCTYPE could declare entities that change what is read after the check: refused outright.
  if (/<!DOCTYPE/i.test(xml)) return undefined;
  let broken = false;
  const doc = new DOMParser({
    errorHandler: {
      warning: () => undefined,
      error: () => {
        broken = true;
      },
      fatalError: () => {
        broken = true;
      },
    },
  }).parseFromString(xml, 'text/xml');
  return broken || doc.documentElement === null ? undefined : doc;
}

/** The profile check of one SignedInfo: undefined when it is exactly what sign.ts makes. */
function profileProblem(signature: Element): { code: SignatureFailure; detail: string } | undefined {
  const signedInfo = onlyDsChild(signature, 'SignedInfo');
  if (signedInfo === undefined) return { code: 'SIGNATURE_INVALID', detail: 'the signature has no single SignedInfo' };
  const c14n = onlyDsChild(signedInfo, 'CanonicalizationMethod');
  if (c14n?.getAttribute('Algorithm') !== XMLDSIG_PROFILE.canonicalization || elements(c14n).length > 0)
    return { code: 'SIGNATURE_UNSUPPORTED', detail: 'the canonicalisation method is not exclusive c14n' };
  const method = onlyDsChild(signedInfo, 'SignatureMethod');
  if (method?.getAttribute('Algorithm') !== XMLDSIG_PROFILE.signature || elements(method).length > 0)
    return { code: 'SIGNATURE_UNSUPPORTED', detail: 'the signature method is not RSA-SHA256' };
  const references = dsChildren(signedInfo, 'Reference');
  if (references.length !== 1)
    return { code: 'SIGNATURE_INVALID', detail: `the signature has ${references.length} references, not exactly one` };
  const reference = references[0]!;
  if (!reference.hasAttribute('URI') || reference.getAttribute('URI') !== '')
    return { code: 'SIGNATURE_INVALID', detail: 'the reference does not cover the whole document (URI is not "")' };
  const transforms = onlyDsChild(reference, 'Transforms');
  const algorithms = transforms === undefined ? [] : dsChildren(transforms, 'Transform');
  const pinned = XMLDSIG_PROFILE.transforms;
  if (
    transforms === undefined ||
    elements(transforms).length !== pinned.length ||
    algorithms.length !== pinned.length ||
    algorithms.some((t, i) => t.getAttribute('Algorithm') !== pinned[i] || elements(t).length > 0)
  )
    return { code: 'SIGNATURE_UNSUPPORTED', detail: 'the transforms are not exactly enveloped-signature then exclusive c14n' };
  const digest = onlyDsChild(reference, 'DigestMethod');
  if (digest?.getAttribute('Algorithm') !== XMLDSIG_PROFILE.digest)
    return { code: 'SIGNATURE_UNSUPPORTED', detail: 'the digest method is not SHA-256' };
  return undefined;
}

/** A KeyInfo certificate that is not the trusted one, if any. */
function certificateMismatch(signature: Element, trusted: X509Certificate): boolean {
  const trustedDer = trusted.raw;
  for (const keyInfo of dsChildren(signature, 'KeyInfo'))
    for (const data of dsChildren(keyInfo, 'X509Data'))
      for (const cert of dsChildren(data, 'X509Certificate')) {
        const der = Buffer.from((cert.textContent ?? '').replace(/\s+/g, ''), 'base64');
        if (!der.equals(trustedDer)) return true;
      }
  return false;
}

/**
 * Verifies the CHUKYDONVI signature against a certificate the verifier already trusts (never a
 * key from the document). On success `signedXml` is the content the signature covers. Throws
 * only when `trustedCertPem` itself is not a certificate (the caller's configuration).
 */
export function verifyCheckInSignature(xml: string, trustedCertPem: string): SignatureCheck {
  const trusted = new X509Certificate(trustedCertPem);
  const doc = parse(xml);
  if (doc === undefined) return fail('SIGNATURE_INVALID', 'the file is not well-formed XML (or declares a DOCTYPE)');

  const signatures = Array.from(doc.getElementsByTagNameNS(XMLDSIG_NS, 'Signature'));
  if (signatures.length === 0) return fail('SIGNATURE_MISSING', 'the file carries no signature');
  if (signatures.length > 1) return fail('SIGNATURE_INVALID', `the file carries ${signatures.length} signatures, not exactly one`);
  const signature = signatures[0]!;

  const root = doc.documentElement;
  const holder = signature.parentNode as Element | null;
  const rootChildren = elements(root);
  if (
    root.localName !== CHECKIN_ROOT ||
    Boolean(root.namespaceURI) ||
    holder === null ||
    holder.parentNode !== root ||
    holder.localName !== CHECKIN_SIGNATURE_ELEMENT ||
    Boolean(holder.namespaceURI) ||
    rootChildren[rootChildren.length - 1] !== holder ||
    elements(holder).length !== 1
  )
    return fail(
      'SIGNATURE_INVALID',
      `the signature is not the only content of ${CHECKIN_SIGNATURE_ELEMENT}, the last element of ${CHECKIN_ROOT}`,
    );

  const problem = profileProblem(signature);
  if (problem !== undefined) return fail(problem.code, problem.detail);
  if (certificateMismatch(signature, trusted))
    return fail('CERTIFICATE_MISMATCH', 'KeyInfo names a certificate other than the trusted one');

  const verifier = new SignedXml({
    publicCert: trusted.publicKey.export({ type: 'spki', format: 'pem' }),
    // Never the document's key: KeyInfo is informative only (checked above against the trusted one).
    getCertFromKeyInfo: () => null,
  });
  // Only the pinned algorithms are known to this verifier: a second fence behind profileProblem.
  const { CanonicalizationAlgorithms: c14n, HashAlgorithms: hashes, SignatureAlgorithms: signers } = verifier;
  verifier.CanonicalizationAlgorithms = { [XMLDSIG_PROFILE.canonicalization]: c14n[XMLDSIG_PROFILE.canonicalization]! };
  verifier.CanonicalizationAlgorithms[XMLDSIG_PROFILE.transforms[0]] = c14n[XMLDSIG_PROFILE.transforms[0]]!;
  verifier.HashAlgorithms = { [XMLDSIG_PROFILE.digest]: hashes[XMLDSIG_PROFILE.digest]! };
  verifier.SignatureAlgorithms = { [XMLDSIG_PROFILE.signature]: signers[XMLDSIG_PROFILE.signature]! };
  try {
    verifier.loadSignature(signature);
    if (!verifier.checkSignature(xml)) return fail('SIGNATURE_INVALID', 'the signed content was changed after signing (digest mismatch)');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // xml-crypto's messages quote the signature value: kept out of the detail.
    return fail(
      'SIGNATURE_INVALID',
      message.startsWith('invalid signature')
        ? 'the signature value does not verify with the trusted certificate'
        : 'the signature cannot be checked',
    );
  }
  const signed = verifier.getSignedReferences();
  if (signed.length !== 1) return fail('SIGNATURE_INVALID', 'the signature did not cover exactly one reference');
  return { ok: true, signedXml: signed[0]! };
}
