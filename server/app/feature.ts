/**
 * What a feature module hands the composition root (service.ts): the routers it mounts, the
 * members it adds to /api/status, and what must be stopped on shutdown (in reverse order).
 */
import type { Router } from 'express';
import type { StatusSection } from '../http/routes/status.js';

/** Something started with the service that must be stopped, in reverse order, on shutdown. */
export interface Closable {
  close(): Promise<void> | void;
}

export interface FeatureParts {
  routers?: Router[];
  statusSections?: StatusSection[];
  closables?: Closable[];
}
