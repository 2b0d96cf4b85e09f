/** The sample card holder of the benchmark and of the scanning cases (bench/ and test/ alike). */
import type { IssueCardInput } from '../server/card/issue.js';
import { demoCardInput } from '../server/issuer/demo-card.js';

/**
 * A realistic card valid on the day the benchmark runs: the demo issuer's sample holder (its
 * coverage follows the current Vietnam year) under another name.
 */
export function benchCardInput(now: number): IssueCardInput {
  return { ...demoCardInput(now), fullName: 'Nguyễn Thị Minh Khai', birthDate: '1987-06-15', gender: 'female' };
}
