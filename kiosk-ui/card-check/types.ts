/**
 * The online card check as the kiosk screen sees it: the wire's shapes (server/wire/card-check.ts,
 * the service builds them) and what the screen derives from /api/status.
 */
import type { KioskStatus } from '../../server/wire/status.js';

export type {
  CardCheckRequest,
  CardCheckView,
  ManualEntryInput,
  PortalMismatch,
  PortalSummary,
  PortalVisit,
} from '../../server/wire/card-check.js';

/** /api/status `portal.state`: how the agency portal is doing, as the service last saw it. */
export type PortalHealth = NonNullable<KioskStatus['portal']>['state'];
