/**
 * GET /api/visit-codes through a small Express app with the route, the one problem+json handler
 * and a stand-in role gate (the real gate's codes: SESSION_REQUIRED 401, FORBIDDEN_ROLE 403).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import { AppError } from '../../../server/errors.js';
import { visitCodeRoutes } from '../../../server/http/routes/visit-codes.js';
import { createLogger } from '../../../server/logger.js';
import { ROLES, type Role } from '../../../server/users/types.js';
import { problemHandler } from '../../../server/web/problem.js';
import type { VisitCodeTable } from '../../../server/wire/check-in-report.js';

// 23:30 in Hà Nội on 30 June 2026: still the day before the 1 July phase-in.
const clock = fixedClock('2026-06-30T16:30:00Z');
const askedRoles: Role[][] = [];
const gate = (...roles: Role[]): RequestHandler => {
  askedRoles.push(roles);
  return (req, res, next) => {
    const role = req.get('x-test-role') as Role | undefined;
    if (!role) throw new AppError('SESSION_REQUIRED', 'Sign in first.');
    if (!roles.includes(role)) throw new AppError('FORBIDDEN_ROLE', 'Your role may not use this.');
    res.locals.user = { username: 'u', role };
    next();
  };
};

let server: Server;
let url: string;
beforeAll(async () => {
  const app = express();
  app.use(visitCodeRoutes({ clock, requireRole: gate }));
  app.use(problemHandler(createLogger({ sink: () => undefined })));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(path: string, role?: Role) {
  return fetch(url + path, { headers: role ? { 'x-test-role': role } : {} });
}

describe('GET /api/visit-codes', () => {
  it('is for any signed-in user', async () => {
    expect(askedRoles).toEqual([[...ROLES]]);
    for (const role of ROLES) expect((await get('/api/visit-codes', role)).status).toBe(200);
    const anon = await get('/api/visit-codes');
    expect(anon.status).toBe(401);
    expect(anon.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await anon.json()).toMatchObject({ code: 'SESSION_REQUIRED' });
  });

  it("answers today's codes by the injected clock in Vietnam time", async () => {
    const res = await get('/api/visit-codes', 'receptionist');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as VisitCodeTable;
    expect(body.date).toBe('2026-06-30');
    expect(body.defaultType).toBe('01');
    expect(body.categories[0]).toEqual({
      code: '1.1',
      labelVi: 'Đúng tuyến, nơi đăng ký KCB ban đầu',
      labelEn: 'At the registered primary-care facility',
      validFrom: '2023-02-15',
      validTo: null,
    });
    expect(body.types.map((t) => t.code)).toContain('01');
  });

  it('answers the codes of a given day', async () => {
    const body = (await (await get('/api/visit-codes?date=2024-12-31', 'auditor')).json()) as VisitCodeTable;
    expect(body.date).toBe('2024-12-31');
    expect(body.categories.map((c) => c.code)).not.toContain('1.14');
    expect(body.categories.find((c) => c.code === '1.2')?.validTo).toBe('2024-12-31');
  });

  it.each([
    ['?date=2026-02-30', 'QUERY_INVALID'],
    ['?date=30/06/2026', 'QUERY_INVALID'],
    ['?date=', 'QUERY_INVALID'],
    ['?date=2026-06-30&date=2026-07-01', 'QUERY_INVALID'],
    ['?day=2026-06-30', 'QUERY_UNKNOWN'],
  ])('refuses %s with 400 %s', async (query, code) => {
    const res = await get(`/api/visit-codes${query}`, 'admin');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code, field: query.includes('day=') ? 'day' : 'date' });
  });
});
