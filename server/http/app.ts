import express, { type Express, type Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import type { KioskConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { TrustHolder } from '../trust/trust-holder.js';
import type { VerifyService } from '../verification/verify-service.js';
import { BODY_LIMIT_BYTES, jsonBody } from '../web/json-body.js';
import { notFound, problemHandler } from '../web/problem.js';
import { opsRoutes, type OpsDeps } from './routes/ops.js';
import { statusRoutes, type StatusSection } from './routes/status.js';
import { securityHeaders } from './security-headers.js';

export interface AppDeps {
  config: KioskConfig;
  clock: Clock;
  logger: Logger;
  trust: TrustHolder;
  verifier: VerifyService;
  version: string;
  startedAt: number;
  /** Built kiosk screen (vite output); not served when absent. */
  uiDir?: string;
  /** Feature routers (visits, sessions, audit, admin, …), mounted after the core routes. */
  routers?: Router[];
  /** Extra members of /api/status (e.g. sync). */
  statusSections?: StatusSection[];
  /** GET /api/health, /api/ready and /metrics (absent: not served). */
  ops?: OpsDeps;
}

/**
 * The HTTP application: routes call services; no SQL and no verification logic here. Every
 * error, including body-parser's, leaves through the one problem+json handler.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', false);
  app.use(securityHeaders);
  app.use('/api', jsonBody(BODY_LIMIT_BYTES));

  // POST /api/verify is served before Express (routes/verify.ts, withFastVerify).
  if (deps.ops) app.use(opsRoutes(deps.ops));
  app.use(
    statusRoutes({
      config: deps.config,
      clock: deps.clock,
      trust: deps.trust,
      version: deps.version,
      startedAt: deps.startedAt,
      sections: deps.statusSections ?? [],
    }),
  );
  for (const r of deps.routers ?? []) app.use(r);
  app.use('/api', notFound);

  if (deps.uiDir && existsSync(deps.uiDir)) {
    const uiDir = deps.uiDir;
    // redirect: false — serve-static's directory redirect keeps a raw backslash in Location
    // (`/\evil.invalid/..` → `Location: /\evil.invalid/../`, which a browser reads as
    // `//evil.invalid/`: an open redirect). The UI's own pages need no redirect.
    app.use(express.static(uiDir, { index: 'index.html', maxAge: 0, fallthrough: true, redirect: false }));
    // The auditor page is its own route; everything else falls back to the kiosk screen.
    app.get(['/audit', '/audit/'], (_req, res) => res.sendFile(join(uiDir, 'audit.html')));
    app.get(['/admin', '/admin/'], (_req, res) => res.sendFile(join(uiDir, 'admin.html')));
  }
  app.use(notFound);
  app.use(problemHandler(deps.logger));
  return app;
}
