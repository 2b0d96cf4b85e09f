/**
 * Wires the USB serial scanner (KIOSK_SCANNER_DEVICE, e.g. /dev/ttyACM0): its reader, the hub
 * that hands each scan to the screens listening, and GET /api/scanner/events for the signed-in
 * receptionist's screen. Nothing when no device is configured (keyboard-wedge scanners and the
 * camera need no service support).
 */
import type { RequestHandler } from 'express';
import type { KioskConfig } from '../config.js';
import { scannerEventRoutes } from '../http/routes/scanner-events.js';
import type { Logger } from '../logger.js';
import { ScanHub } from '../scanner/scan-hub.js';
import type { FeatureParts } from './feature.js';

export async function startScanner(deps: {
  config: Pick<KioskConfig, 'scannerDevice'>;
  logger: Logger;
  /** requireRole('receptionist'). */
  requireReceptionist: RequestHandler;
}): Promise<FeatureParts> {
  const device = deps.config.scannerDevice;
  if (device === undefined) return {};
  // Loaded only when a device is configured: the serial library (native bindings) costs start-up
  // time every desk without one would pay for nothing.
  const { SerialScanner } = await import('../scanner/serial-scanner.js');
  const hub = new ScanHub();
  const scanner = new SerialScanner({ path: device, logger: deps.logger, onScan: (text) => hub.publish(text) });
  scanner.start();
  return {
    routers: [scannerEventRoutes({ subscribe: (l) => hub.subscribe(l), requireReceptionist: deps.requireReceptionist })],
    closables: [scanner],
  };
}
