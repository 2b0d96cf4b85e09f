/** The sample card the `demo-card` command and test helpers issue. */
import { vietnamDay } from '../wire/vietnam-time.js';
import type { IssueCardInput } from '../card/fhir-build.js';

/**
 * A synthetic holder (bhyt-domain.md's example: a private-sector employee in Lai Châu, registered
 * at 12001) whose coverage runs through the whole Vietnam calendar year of `now`.
 */
export function demoCardInput(now: number): IssueCardInput {
  const year = Number(vietnamDay(now).slice(0, 4));
  return {
    fullName: 'Nguyễn Đức Thiện',
    birthDate: '1990-03-20',
    gender: 'male',
    cardNumber: 'DN4121201234567',
    registeredFacility: '12001',
    validFrom: `${year}-01-01`,
    validTo: `${year}-12-31`,
    fiveYearDate: `${year + 2}-01-01`,
    areaCode: 'K1',
    issuedBy: 'BHXH tỉnh Lai Châu',
  };
}
