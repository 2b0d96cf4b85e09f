/**
 * Host names and listen addresses: which listen address is loopback-only, and the host names the
 * kiosk service answers to (its Host-header allow-list, server/http/host-check.ts). Pure.
 */

/** A listen address reachable only from this computer: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** The loopback names every kiosk answers to, as they appear in a Host header (IPv6 in brackets). */
export const LOOPBACK_HOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** One allowed host: a name (IPv6 in brackets), with a port when it must match too. */
export interface HostName {
  name: string;
  port?: number;
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DNS_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const IPV6 = /^\[[0-9a-f:.]+\]$/;

/**
 * Parses `name`, `name:port`, `[v6]` or `[v6]:port` (lower-cased). Undefined when it is not one:
 * a URL with a scheme, a path, a bad port, characters a host name cannot have.
 */
export function parseHostName(raw: string): HostName | undefined {
  const v = raw.trim().toLowerCase();
  const m = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(v);
  if (!m) return undefined;
  const name = m[1]!;
  if (!DNS_NAME.test(name) && !IPV6.test(name)) return undefined;
  if (m[2] === undefined) return { name };
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { name, port };
}

/**
 * KIOSK_PUBLIC_HOSTS: a comma-separated list of host names (optionally with a port) under which
 * desks reach this service on the network, e.g. `kiosk.benhvien.vn, 10.0.5.20:8443`. Returns the
 * normalised entries and a problem for each bad one.
 */
export function parsePublicHosts(raw: string | undefined, source: string): { hosts: string[]; problems: string[] } {
  const hosts: string[] = [];
  const problems: string[] = [];
  if (raw === undefined) return { hosts, problems };
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const h = parseHostName(part);
    if (!h) {
      problems.push(`${source}: "${part.trim().slice(0, 80)}" is not a host name or host:port (no scheme, no path)`);
      continue;
    }
    hosts.push(h.port === undefined ? h.name : `${h.name}:${h.port}`);
  }
  return { hosts, problems };
}

/** The listen address as a Host-header name: undefined for a wildcard (0.0.0.0, ::), which names no host. */
export function listenHostName(host: string): string | undefined {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === '0.0.0.0' || h === '::' || h === '') return undefined;
  return h.includes(':') ? `[${h}]` : h;
}
