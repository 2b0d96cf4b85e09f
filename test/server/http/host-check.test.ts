import { describe, expect, it } from 'vitest';
import { hostPolicy } from '../../../server/http/host-check.js';
import { isLoopbackHost, listenHostName, parseHostName, parsePublicHosts } from '../../../server/lib/listen-address.js';

describe('hostPolicy', () => {
  const loopback = hostPolicy({ listenHost: '127.0.0.1', publicHosts: [], port: () => 8080 });

  it('Host: the loopback names on any port; nothing else; a missing Host is refused', () => {
    for (const h of ['127.0.0.1', '127.0.0.1:8080', 'localhost:9', 'LocalHost', '[::1]', '[::1]:8080'])
      expect(loopback.hostAllowed(h), h).toBe(true);
    for (const h of [undefined, '', 'evil.example', 'evil.example:8080', '127.0.0.2', '::1', '[::1', 'localhost:99999', 'localhost:0'])
      expect(loopback.hostAllowed(h), String(h)).toBe(false);
  });

  it('Origin: a loopback name on the port the service listens on', () => {
    expect(loopback.originAllowed('http://127.0.0.1:8080')).toBe(true);
    expect(loopback.originAllowed('https://localhost:8080')).toBe(true);
    expect(loopback.originAllowed('http://[::1]:8080')).toBe(true);
    for (const o of [
      'http://127.0.0.1:8081',
      'http://localhost',
      'null',
      'http://evil.example:8080',
      'ftp://127.0.0.1:8080',
      'http://u:p@127.0.0.1:8080',
    ])
      expect(loopback.originAllowed(o), o).toBe(false);
  });

  it('a specific listen address is one of the own hosts; a wildcard names none', () => {
    const lan = hostPolicy({ listenHost: '10.0.5.20', publicHosts: [], port: () => 8443 });
    expect(lan.hostAllowed('10.0.5.20:8443')).toBe(true);
    expect(lan.originAllowed('https://10.0.5.20:8443')).toBe(true);
    const any = hostPolicy({ listenHost: '0.0.0.0', publicHosts: [], port: () => 8443 });
    expect(any.hostAllowed('0.0.0.0:8443')).toBe(false);
    expect(any.hostAllowed('10.0.5.20:8443')).toBe(false);
  });

  it('public hosts: a name alone on any port, name:port only on that port', () => {
    const p = hostPolicy({ listenHost: '0.0.0.0', publicHosts: ['kiosk.benhvien.vn', '10.0.5.20:8443'], port: () => 8443 });
    expect(p.hostAllowed('kiosk.benhvien.vn')).toBe(true);
    expect(p.hostAllowed('KIOSK.benhvien.vn:443')).toBe(true);
    expect(p.hostAllowed('10.0.5.20:8443')).toBe(true);
    expect(p.hostAllowed('10.0.5.20')).toBe(false);
    expect(p.originAllowed('https://kiosk.benhvien.vn')).toBe(true);
    expect(p.originAllowed('https://10.0.5.20:8443')).toBe(true);
    expect(p.originAllowed('https://10.0.5.20')).toBe(false);
    expect(p.originAllowed('https://kiosk.benhvien.vn.evil.example')).toBe(false);
  });
});

describe('listen addresses and host names', () => {
  it('loopback listen addresses', () => {
    for (const h of ['127.0.0.1', '127.3.2.1', '::1', '[::1]', 'localhost']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.5.20', 'kiosk.local', '128.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
    expect(listenHostName('0.0.0.0')).toBeUndefined();
    expect(listenHostName('::')).toBeUndefined();
    expect(listenHostName('fe80::1')).toBe('[fe80::1]');
  });

  it('KIOSK_PUBLIC_HOSTS: names and name:port, normalised; schemes and paths refused by name', () => {
    expect(parsePublicHosts(' Kiosk.BenhVien.vn, 10.0.5.20:8443 ,,[fd00::5]:443', 'X')).toEqual({
      hosts: ['kiosk.benhvien.vn', '10.0.5.20:8443', '[fd00::5]:443'],
      problems: [],
    });
    const bad = parsePublicHosts('https://kiosk.vn,kiosk.vn/path,a_b.vn,kiosk.vn:0', 'KIOSK_PUBLIC_HOSTS');
    expect(bad.hosts).toEqual([]);
    expect(bad.problems).toHaveLength(4);
    expect(bad.problems[0]).toMatch(/^KIOSK_PUBLIC_HOSTS: "https:\/\/kiosk.vn" is not a host name/);
    expect(parseHostName('kiosk.vn:8080')).toEqual({ name: 'kiosk.vn', port: 8080 });
  });
});
