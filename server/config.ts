/**
 * The kiosk service's configuration: read from command-line flags and environment variables in
 * this one module, validated once at start. Every mistake is reported (all of them, not just the
 * first) with the flag and variable names, and the process refuses to start.
 *
 * Precedence: flag > environment variable > default.
 */
import { ConfigError } from './errors.js';
import { flagUsage, parseFlags, resolveFlags, type FlagSpec } from './lib/cli-args.js';
import { PATIENT_ID_SOURCES, type PatientIdSource } from './check-in-record/record.js';
import { isLoopbackHost, parsePublicHosts } from './lib/listen-address.js';
import { readTlsFiles, TLS_CERT_ENV, TLS_KEY_ENV } from './lib/tls-files.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';
import { PORTAL_CHECK_MODES, readPortalPasswordFile, type PortalCheckMode } from './portal/options.js';

export interface KioskConfig {
  port: number;
  host: string;
  dataDir: string;
  trustFile: string;
  /** This kiosk's facility code (mã cơ sở KCB), 5 characters, e.g. 12001. */
  facility: string;
  /** Desk / kiosk identifier recorded on every visit. */
  deskId: string;
  /** Clock tolerance for credential times and clock sanity, seconds. */
  clockToleranceSec: number;
  /** Revocation lists older than this give TRUST_STALE (needs review), seconds. */
  maxTrustAgeSec: number;
  /** Whether this deployment accepts signed digital cards (pilot provinces). */
  acceptDigitalCards: boolean;
  /** The same card at this facility within this window is the same visit, seconds. */
  duplicateWindowSec: number;
  /** Session lifetime, seconds. */
  sessionTtlSec: number;
  /** Medical-history store base URL; sync is off when unset. */
  syncUrl: string | undefined;
  /** Bearer API key for the medical-history store. */
  syncKey: string | undefined;
  /** Sync: how long to wait for the store's answer to one batch, seconds. */
  syncTimeoutSec: number;
  /** Sync: the longest wait between retries after failures (exponential backoff cap), seconds. */
  syncMaxBackoffSec: number;
  /** Anchor: send a checkpoint on its own after this long without one (while sync is on), seconds. */
  checkpointIntervalSec: number;
  /** How often to refresh issuer keys and revocation lists, seconds (0 = never). */
  trustRefreshSec: number;
  /** Kiosk screen: seconds before a verdict clears back to the scan state. */
  resultClearSec: number;
  /** Create demo accounts with random passwords on a fresh database (printed once). */
  demoAccounts: boolean;
  /** The agency portal's base URL; the online card check is off when unset (KIOSK_PORTAL_URL). */
  portalUrl: string | undefined;
  /** The facility's portal account (KIOSK_PORTAL_USER). */
  portalUser: string | undefined;
  /** KIOSK_PORTAL_PASSWORD_FILE (preferred; mode 0600), as given. */
  portalPasswordFile: string | undefined;
  /**
   * The account's password: the file's content, or KIOSK_PORTAL_PASSWORD. Never logged, never in
   * a problem text; not enumerable (a stray JSON.stringify of the config does not show it).
   */
  portalPassword: string | undefined;
  /** Time budget of one online check, seconds (KIOSK_PORTAL_TIMEOUT). */
  portalTimeoutSec: number;
  /** Which results get the online check (KIOSK_PORTAL_CHECK). */
  portalCheck: PortalCheckMode;
  /** How old a card check may be when the receptionist checks it in, seconds (KIOSK_CARD_CHECK_WINDOW). */
  cardCheckWindowSec: number;
  /** The check-in record report to the portal: on whenever the portal is configured, unless `off` (KIOSK_CHECKIN_REPORT). */
  checkInReport: 'on' | 'off';
  /** The facility's signing key, PEM, mode 0600 (KIOSK_FACILITY_KEY_FILE). */
  facilityKeyFile: string | undefined;
  /** The facility's certificate, PEM (KIOSK_FACILITY_CERT_FILE). */
  facilityCertFile: string | undefined;
  /** Where the check-in record's MA_BN (the facility's patient id) comes from (KIOSK_PATIENT_ID_SOURCE). */
  patientIdSource: PatientIdSource;
  /** Check-in report: the longest wait between retries after failures, seconds (KIOSK_CHECKIN_MAX_BACKOFF). */
  checkInMaxBackoffSec: number;
  /** The lowest log level written (LOG_LEVEL): debug, info, warn or error. */
  logLevel: LogLevel;
  /** Bearer token for GET /metrics; without it only loopback peers may read it (KIOSK_METRICS_TOKEN). */
  metricsToken: string | undefined;
  /** KIOSK_SCANNER_DEVICE: a serial (CDC/ACM) scanner's device; undefined: none. */
  scannerDevice: string | undefined;
  /** KIOSK_PUBLIC_HOSTS: host names (optionally host:port) desks use to reach this service, besides loopback. */
  publicHosts: readonly string[];
  /** KIOSK_TLS_CERT_FILE: this service's HTTPS certificate (PEM); plain HTTP when unset. */
  tlsCertFile: string | undefined;
  /** KIOSK_TLS_KEY_FILE: its private key (PEM, mode 0600). */
  tlsKeyFile: string | undefined;
  /** KIOSK_ALLOW_PLAIN_LAN: a non-loopback listen address without TLS starts anyway (warned: PLAIN_LAN). */
  allowPlainLan: boolean;
}

export interface OptionSpec extends FlagSpec {
  key: Exclude<keyof KioskConfig, 'portalPassword'>;
  env: string;
}

/** One table drives parsing, validation and --help, so the three never disagree. */
export const OPTIONS: readonly OptionSpec[] = [
  { key: 'port', flag: 'port', env: 'KIOSK_PORT', kind: 'port', default: '8080', help: 'TCP port to listen on (0 = any free port)' },
  { key: 'host', flag: 'host', env: 'KIOSK_HOST', kind: 'string', default: '127.0.0.1', help: 'address to listen on' },
  { key: 'dataDir', flag: 'data-dir', env: 'KIOSK_DATA_DIR', kind: 'path', default: 'data', help: 'folder for the SQLite visit log' },
  {
    key: 'trustFile',
    flag: 'trust-file',
    env: 'KIOSK_TRUST_FILE',
    kind: 'path',
    default: 'keys/trust.json',
    help: 'trust store file (issuer keys, revocation lists)',
  },
  {
    key: 'facility',
    flag: 'facility',
    env: 'KIOSK_FACILITY',
    kind: 'facility',
    default: '12001',
    help: "this kiosk's 5-character facility code",
  },
  {
    key: 'deskId',
    flag: 'desk',
    env: 'KIOSK_DESK_ID',
    kind: 'string',
    default: 'desk-1',
    help: 'desk / kiosk identifier recorded on visits',
  },
  {
    key: 'clockToleranceSec',
    flag: 'clock-tolerance',
    env: 'KIOSK_CLOCK_TOLERANCE',
    kind: 'seconds',
    default: '300',
    help: 'clock tolerance, seconds (or 5m)',
  },
  {
    key: 'maxTrustAgeSec',
    flag: 'max-trust-age',
    env: 'KIOSK_MAX_TRUST_AGE',
    kind: 'seconds',
    default: '7d',
    help: 'revocation lists older than this need review',
  },
  {
    key: 'acceptDigitalCards',
    flag: 'accept-digital-cards',
    env: 'KIOSK_ACCEPT_DIGITAL_CARDS',
    kind: 'bool',
    default: 'true',
    help: 'accept signed digital cards at this deployment',
  },
  {
    key: 'duplicateWindowSec',
    flag: 'duplicate-window',
    env: 'KIOSK_DUPLICATE_WINDOW',
    kind: 'seconds',
    default: '10m',
    help: 'same card again within this window is the same visit',
  },
  {
    key: 'sessionTtlSec',
    flag: 'session-ttl',
    env: 'KIOSK_SESSION_TTL',
    kind: 'seconds',
    default: '12h',
    help: 'operator session lifetime',
  },
  { key: 'syncUrl', flag: 'sync-url', env: 'KIOSK_SYNC_URL', kind: 'url', help: 'medical-history store URL (sync off when unset)' },
  { key: 'syncKey', flag: 'sync-key', env: 'KIOSK_SYNC_KEY', kind: 'secret', help: 'medical-history store API key' },
  {
    key: 'syncTimeoutSec',
    flag: 'sync-timeout',
    env: 'KIOSK_SYNC_TIMEOUT',
    kind: 'seconds',
    default: '30',
    help: 'sync: wait this long for the store to answer a batch',
  },
  {
    key: 'syncMaxBackoffSec',
    flag: 'sync-max-backoff',
    env: 'KIOSK_SYNC_MAX_BACKOFF',
    kind: 'seconds',
    default: '5m',
    help: 'sync: longest wait between retries',
  },
  {
    key: 'checkpointIntervalSec',
    flag: 'checkpoint-interval',
    env: 'KIOSK_CHECKPOINT_INTERVAL',
    kind: 'seconds',
    default: '5m',
    help: 'anchor the logs at the store at least this often (every sync batch also carries a checkpoint)',
  },
  {
    key: 'trustRefreshSec',
    flag: 'trust-refresh',
    env: 'KIOSK_TRUST_REFRESH',
    kind: 'seconds',
    default: '1h',
    help: 'issuer key / revocation refresh interval (0 = off)',
  },
  {
    key: 'resultClearSec',
    flag: 'result-clear',
    env: 'KIOSK_RESULT_CLEAR',
    kind: 'seconds',
    default: '20',
    help: 'kiosk screen clears a verdict after this long',
  },
  {
    key: 'demoAccounts',
    flag: 'demo-accounts',
    env: 'KIOSK_DEMO_ACCOUNTS',
    kind: 'bool',
    default: 'true',
    help: 'on a fresh database, create demo accounts with random passwords',
  },
  {
    key: 'portalUrl',
    flag: 'portal-url',
    env: 'KIOSK_PORTAL_URL',
    kind: 'url',
    help: 'agency portal base URL (online card check off when unset)',
  },
  { key: 'portalUser', flag: 'portal-user', env: 'KIOSK_PORTAL_USER', kind: 'string', help: "the facility's portal account" },
  {
    key: 'portalPasswordFile',
    flag: 'portal-password-file',
    env: 'KIOSK_PORTAL_PASSWORD_FILE',
    kind: 'path',
    help: 'file holding its password (preferred; mode 0600)',
  },
  {
    key: 'portalTimeoutSec',
    flag: 'portal-timeout',
    env: 'KIOSK_PORTAL_TIMEOUT',
    kind: 'seconds',
    default: '60',
    help: 'time budget of one online check (seconds, or 90s / 2m)',
  },
  {
    key: 'portalCheck',
    flag: 'portal-check',
    env: 'KIOSK_PORTAL_CHECK',
    kind: 'string',
    default: 'unsigned',
    arg: 'unsigned|all',
    help: 'unsigned: legacy, chip ID card and manual entries; all: signed cards too',
  },
  {
    key: 'cardCheckWindowSec',
    flag: 'card-check-window',
    env: 'KIOSK_CARD_CHECK_WINDOW',
    kind: 'seconds',
    default: '10m',
    help: 'a card check older than this must be scanned again before check-in',
  },
  {
    key: 'checkInReport',
    flag: 'checkin-report',
    env: 'KIOSK_CHECKIN_REPORT',
    kind: 'string',
    default: 'on',
    arg: 'on|off',
    help: "report every check-in to the portal (on whenever the portal is configured; 'off' disables)",
  },
  {
    key: 'facilityKeyFile',
    flag: 'facility-key-file',
    env: 'KIOSK_FACILITY_KEY_FILE',
    kind: 'path',
    help: "the facility's signing key for check-in records (PEM, mode 0600)",
  },
  {
    key: 'facilityCertFile',
    flag: 'facility-cert-file',
    env: 'KIOSK_FACILITY_CERT_FILE',
    kind: 'path',
    help: "the facility's certificate for that key (PEM, mode 0600)",
  },
  {
    key: 'patientIdSource',
    flag: 'patient-id-source',
    env: 'KIOSK_PATIENT_ID_SOURCE',
    kind: 'string',
    default: 'ma-so-bhxh',
    arg: PATIENT_ID_SOURCES.join('|'),
    help: "the check-in record's MA_BN (the facility's patient id)",
  },
  {
    key: 'checkInMaxBackoffSec',
    flag: 'checkin-max-backoff',
    env: 'KIOSK_CHECKIN_MAX_BACKOFF',
    kind: 'seconds',
    default: '5m',
    help: 'longest wait between check-in report retries after failures',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'LOG_LEVEL',
    kind: 'string',
    default: 'info',
    arg: LOG_LEVELS.join('|'),
    help: 'lowest log level written (JSON lines on stderr)',
  },
  {
    key: 'metricsToken',
    flag: 'metrics-token',
    env: 'KIOSK_METRICS_TOKEN',
    kind: 'secret',
    help: 'bearer token for GET /metrics (without it: loopback peers only)',
  },
  {
    key: 'scannerDevice',
    flag: 'scanner-device',
    env: 'KIOSK_SCANNER_DEVICE',
    kind: 'path',
    help: "a 2D scanner in USB serial (CDC/ACM) mode, e.g. /dev/ttyACM0: its scans are pushed to the signed-in receptionist's screen",
  },
  {
    key: 'publicHosts',
    flag: 'public-hosts',
    env: 'KIOSK_PUBLIC_HOSTS',
    kind: 'text',
    arg: 'host[:port],…',
    help: 'host names desks use to reach this service on the network (loopback names always work); any other Host or Origin is refused',
  },
  {
    key: 'tlsCertFile',
    flag: 'tls-cert-file',
    env: 'KIOSK_TLS_CERT_FILE',
    kind: 'path',
    help: 'serve HTTPS with this certificate (PEM, with --tls-key-file; reloaded when the files change)',
  },
  {
    key: 'tlsKeyFile',
    flag: 'tls-key-file',
    env: 'KIOSK_TLS_KEY_FILE',
    kind: 'path',
    help: "the certificate's private key (PEM, mode 0600)",
  },
  {
    key: 'allowPlainLan',
    flag: 'allow-plain-lan',
    env: 'KIOSK_ALLOW_PLAIN_LAN',
    kind: 'bool',
    default: 'false',
    help: 'listen on a network address without TLS anyway (warned at start and in /api/status: PLAIN_LAN)',
  },
];

/** The operating settings (logs, metrics): values in range. */
function opsProblems(out: Record<string, unknown>): string[] {
  if (typeof out.logLevel === 'string' && !(LOG_LEVELS as readonly string[]).includes(out.logLevel))
    return [`LOG_LEVEL (--log-level) must be one of ${LOG_LEVELS.join(', ')}`];
  return [];
}

/**
 * The network settings: public host names well-formed; certificate and key together, readable
 * and matching; a listen address other than loopback only with TLS, or with plain HTTP allowed
 * explicitly. Replaces the raw KIOSK_PUBLIC_HOSTS text by its parsed list.
 */
function networkProblems(out: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const publicHosts = parsePublicHosts(out.publicHosts as string | undefined, 'KIOSK_PUBLIC_HOSTS (--public-hosts)');
  problems.push(...publicHosts.problems);
  out.publicHosts = Object.freeze(publicHosts.hosts);
  const cert = out.tlsCertFile as string | undefined;
  const key = out.tlsKeyFile as string | undefined;
  if ((cert === undefined) !== (key === undefined)) problems.push(`${TLS_CERT_ENV} and ${TLS_KEY_ENV} go together: set both or neither`);
  else if (cert !== undefined && key !== undefined) {
    const read = readTlsFiles(cert, key);
    if (!read.ok) problems.push(...read.problems);
  }
  const host = out.host as string | undefined;
  if (host !== undefined && !isLoopbackHost(host) && cert === undefined && out.allowPlainLan !== true)
    problems.push(
      `KIOSK_HOST (--host) ${host} is reachable from the network, where sign-ins and card data would cross in plain text: ` +
        `set ${TLS_CERT_ENV} and ${TLS_KEY_ENV}, or KIOSK_ALLOW_PLAIN_LAN=true (--allow-plain-lan) to serve plain HTTP anyway`,
    );
  return problems;
}

/** Listening on the network without TLS (allowed by KIOSK_ALLOW_PLAIN_LAN): warned at start and in /api/status (PLAIN_LAN). */
export function plainLan(config: Pick<KioskConfig, 'host' | 'tlsCertFile'>): boolean {
  return !isLoopbackHost(config.host) && config.tlsCertFile === undefined;
}

/** The check-in report's settings: values in range; key and certificate go together. */
function checkInReportProblems(out: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (out.checkInReport !== 'on' && out.checkInReport !== 'off') problems.push('KIOSK_CHECKIN_REPORT (--checkin-report) must be on or off');
  if (typeof out.patientIdSource === 'string' && !(PATIENT_ID_SOURCES as readonly string[]).includes(out.patientIdSource))
    problems.push(`KIOSK_PATIENT_ID_SOURCE (--patient-id-source) must be one of ${PATIENT_ID_SOURCES.join(', ')}`);
  if ((out.facilityKeyFile === undefined) !== (out.facilityCertFile === undefined))
    problems.push(
      'KIOSK_FACILITY_KEY_FILE (--facility-key-file) and KIOSK_FACILITY_CERT_FILE (--facility-cert-file) go together: set both or neither',
    );
  if (typeof out.checkInMaxBackoffSec === 'number' && (out.checkInMaxBackoffSec < 1 || out.checkInMaxBackoffSec > 86_400))
    problems.push('KIOSK_CHECKIN_MAX_BACKOFF (--checkin-max-backoff) must be 1 s to 24 h');
  return problems;
}

/** The password's variable: environment only (a flag would show it in the process list). */
export const PORTAL_PASSWORD_ENV = 'KIOSK_PORTAL_PASSWORD';

/**
 * The portal settings go together: URL, user and one password (file preferred) or none of them.
 * Adds problems; returns the password. Problem texts name variables and files, never a value.
 */
function portalPassword(out: Record<string, unknown>, env: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const check = out.portalCheck;
  if (typeof check === 'string' && !(PORTAL_CHECK_MODES as readonly string[]).includes(check))
    problems.push(`KIOSK_PORTAL_CHECK (--portal-check) must be one of ${PORTAL_CHECK_MODES.join(', ')}`);
  if (typeof out.portalTimeoutSec === 'number' && (out.portalTimeoutSec < 1 || out.portalTimeoutSec > 600))
    problems.push('KIOSK_PORTAL_TIMEOUT (--portal-timeout) must be 1 s to 10 min');
  if (typeof out.cardCheckWindowSec === 'number' && (out.cardCheckWindowSec < 10 || out.cardCheckWindowSec > 86_400))
    problems.push('KIOSK_CARD_CHECK_WINDOW (--card-check-window) must be 10 s to 24 h');
  const envPassword = env[PORTAL_PASSWORD_ENV];
  const fromEnv = envPassword === undefined || envPassword === '' ? undefined : envPassword;
  const file = out.portalPasswordFile as string | undefined;
  const url = out.portalUrl as string | undefined;
  const user = out.portalUser as string | undefined;
  if (file !== undefined && fromEnv !== undefined)
    problems.push(`KIOSK_PORTAL_PASSWORD_FILE (--portal-password-file) and ${PORTAL_PASSWORD_ENV} are both set: keep only the file`);
  const anyPortal = url !== undefined || user !== undefined || file !== undefined || fromEnv !== undefined;
  if (!anyPortal) return undefined;
  if (url === undefined || user === undefined || (file === undefined && fromEnv === undefined)) {
    problems.push(
      `KIOSK_PORTAL_URL (--portal-url), KIOSK_PORTAL_USER (--portal-user) and a password (KIOSK_PORTAL_PASSWORD_FILE, or ${PORTAL_PASSWORD_ENV}) go together: set all or none`,
    );
    return undefined;
  }
  if (file === undefined) return fromEnv;
  const read = readPortalPasswordFile(file);
  if (!read.ok) {
    problems.push(read.problem);
    return undefined;
  }
  return read.password;
}

/**
 * Builds the configuration from argv (without node and script) and an environment. Throws
 * ConfigError listing every problem. `--help` is reported by returning `{ help: true }`.
 */
export function loadConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): { help: true } | { help: false; config: KioskConfig } {
  const parsed = parseFlags(argv, OPTIONS);
  if (parsed.help) return { help: true };
  const problems = [...parsed.problems];
  const byFlag = resolveFlags(OPTIONS, parsed, env, cwd, problems);
  const out: Record<string, unknown> = {};
  for (const spec of OPTIONS) out[spec.key] = byFlag[spec.flag];
  const password = portalPassword(out, env, problems);
  problems.push(...checkInReportProblems(out));
  problems.push(...opsProblems(out));
  problems.push(...networkProblems(out));
  if (typeof out.checkpointIntervalSec === 'number' && out.checkpointIntervalSec < 1) {
    problems.push('KIOSK_CHECKPOINT_INTERVAL (--checkpoint-interval) must be at least 1 s');
  }
  if ((out.syncUrl === undefined) !== (out.syncKey === undefined) && problems.length === 0) {
    problems.push('KIOSK_SYNC_URL (--sync-url) and KIOSK_SYNC_KEY (--sync-key) go together: set both or neither');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  Object.defineProperty(out, 'portalPassword', { value: password, enumerable: false });
  return { help: false, config: Object.freeze(out) as unknown as KioskConfig };
}

export function usage(): string {
  return [
    'Usage: npm start -- [flags]   (each flag also an environment variable)',
    '',
    ...flagUsage(OPTIONS),
    '',
    `Environment only: ${PORTAL_PASSWORD_ENV}  the portal account's password, when no --portal-password-file is given`,
  ].join('\n');
}
