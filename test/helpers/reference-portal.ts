/**
 * The reference portal's configuration for tests: 127.0.0.1 on a free port, a 3000-second token,
 * no latency, no faults and no control port; `over` replaces any field. (Check-in files for its
 * guiHoSoCheckin: ./check-in-record.ts.)
 */
import type { PortalConfig } from '../../server/reference-portal/config.js';

export function testPortalConfig(dataDir: string, over: Partial<PortalConfig> = {}): PortalConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    tokenTtlSeconds: 3000,
    latency: { minMs: 0, maxMs: 0 },
    failRate: 0,
    failModes: ['http500'],
    authFailureAs: 'body',
    controlPort: undefined,
    ...over,
  };
}
