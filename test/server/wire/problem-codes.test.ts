import { describe, expect, it } from 'vitest';
import { canonicalProblemCode, isProblemCode, PROBLEM_ALIASES, PROBLEM_STATUS, problemStatus } from '../../../server/wire/problem-codes.js';

describe('the problem-code table', () => {
  it('every status is an HTTP error status; codes are SCREAMING_SNAKE', () => {
    for (const [code, status] of Object.entries(PROBLEM_STATUS)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(status >= 400 && status < 600, code).toBe(true);
    }
  });

  it('merged near-twins: the old string stays a code, meaning its canonical one, with its status', () => {
    expect(canonicalProblemCode('ISSUE_INPUT_INVALID')).toBe('ISSUER_INPUT_INVALID');
    expect(canonicalProblemCode('TRUST_FILE_INVALID')).toBe('TRUST_STORE_INVALID');
    expect(problemStatus('ISSUE_INPUT_INVALID')).toBe(400);
    expect(problemStatus('TRUST_FILE_INVALID')).toBe(500);
    for (const alias of Object.keys(PROBLEM_ALIASES)) expect(Object.hasOwn(PROBLEM_STATUS, alias), alias).toBe(false);
  });

  it('statuses the HTTP API documents', () => {
    expect(problemStatus('SESSION_REQUIRED')).toBe(401);
    expect(problemStatus('FORBIDDEN_ROLE')).toBe(403);
    expect(problemStatus('LOGIN_THROTTLED')).toBe(429);
    expect(problemStatus('CARD_REJECTED')).toBe(422);
    expect(problemStatus('BATCH_TOO_LARGE')).toBe(413);
    expect(isProblemCode('CARD_REJECTED')).toBe(true);
    expect(isProblemCode('toString')).toBe(false);
  });
});
