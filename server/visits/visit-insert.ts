/**
 * The visit INSERT statements, derived from the one column list (visit-record.ts): a group of n
 * rows is ONE statement, prepared in one of a few fixed shapes.
 */
import { DatabaseError, type SqlValue } from '../db/database.js';
import { VISIT_COLUMN_COUNT, VISIT_COLUMN_LIST, visitValues, type VisitRow } from './visit-record.js';

/** Rows per group write (one bound value per column each). */
export const MAX_BATCH = 64;

/**
 * The row counts a group INSERT is prepared for. A group of n rows uses the smallest shape that
 * holds it and fills the rest with NULL rows, which the statement drops (see insertVisitsSql).
 * Why: one prepared statement per distinct n (up to 64 of them, the larger ones tens of KB of
 * VDBE code each, and every one keeping its last bound values alive) was megabytes of native
 * memory that never went away; four shapes are a fraction of that, and a group is still ONE
 * statement (atomic, one round trip). A lone visit uses shape 1.
 */
export const INSERT_SHAPES = [1, 8, 32, MAX_BATCH] as const;

const ROW_PLACEHOLDERS = `(${Array.from({ length: VISIT_COLUMN_COUNT }, () => '?').join(', ')})`;

/**
 * The group INSERT for up to `shape` rows: the rows come from a VALUES list and padding rows
 * (all NULL) are filtered out by `column1` (seq, never NULL in a real row). Column affinity and
 * row order are those of a plain multi-row INSERT.
 */
const insertVisitsSql = (shape: number) =>
  `INSERT INTO visits (${VISIT_COLUMN_LIST}) SELECT * FROM (VALUES ${Array.from({ length: shape }, () => ROW_PLACEHOLDERS).join(', ')}) WHERE column1 IS NOT NULL`;
const INSERT_SQL_BY_SHAPE = new Map<number, string>(INSERT_SHAPES.map((n) => [n, insertVisitsSql(n)]));

/** The prepared group INSERT for `rows` rows and its parameters (padded with NULL rows). */
export function groupInsert(rows: ReadonlyArray<VisitRow>): { sql: string; params: SqlValue[] } {
  const shape = INSERT_SHAPES.find((n) => n >= rows.length);
  if (shape === undefined) throw new DatabaseError(`a group write holds at most ${MAX_BATCH} rows`);
  const params: SqlValue[] = rows.flatMap(visitValues);
  for (let i = params.length, end = shape * VISIT_COLUMN_COUNT; i < end; i++) params.push(null);
  return { sql: INSERT_SQL_BY_SHAPE.get(shape)!, params };
}
