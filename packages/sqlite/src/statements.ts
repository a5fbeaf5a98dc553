/**
 * Every SQL statement a connection runs, by what it does. A worker's connection prepares them all when it opens the
 * file, so its first execution does not pay for compiling them.
 */
const UNFINISHED = `status IN ('scheduled', 'running')`;
const NEXT_CHANGE = '(SELECT IFNULL(MAX(changed), 0) + 1 FROM executions)';
const EXPIRED = `SELECT id FROM executions WHERE ended_at IS NOT NULL AND ended_at < ?`;

export const SQL = {
  begin: 'BEGIN',
  beginImmediate: 'BEGIN IMMEDIATE',
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
  dataVersion: 'PRAGMA data_version',
  lastChange: 'SELECT IFNULL(MAX(changed), 0) AS last FROM executions',
  row: 'SELECT workflow, status, start_at, cancel_requested, body FROM executions WHERE id = ?',
  cancelRequested: 'SELECT cancel_requested FROM executions WHERE id = ?',
  owner: 'SELECT owner FROM executions WHERE id = ?',
  status: 'SELECT status FROM executions WHERE id = ?',
  promises: 'SELECT name, settlement FROM promises WHERE execution_id = ?',
  messages: 'SELECT channel, message FROM messages WHERE execution_id = ? ORDER BY channel, seq',
  create: `INSERT INTO executions (id, workflow, status, start_at, cancel_requested, body, owner, lease_until, changed)
     VALUES (?, ?, ?, ?, 0, ?, ?, ?, ${NEXT_CHANGE}) ON CONFLICT (id) DO NOTHING RETURNING changed`,
  /** Progress before the end sets the body alone (see SqliteConnection's progress write). */
  progress: 'UPDATE executions SET body = ? WHERE id = ? AND owner = ? AND status = ? AND start_at IS ?',
  end: `UPDATE executions SET status = ?, start_at = ?, body = ?, changed = ${NEXT_CHANGE}, owner = NULL, ended_at = ?
     WHERE id = ? AND owner = ? RETURNING changed`,
  settle: 'INSERT INTO promises (execution_id, name, settlement) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  deliver: `INSERT INTO messages (execution_id, channel, seq, message)
     VALUES (?, ?, (SELECT IFNULL(MAX(seq), -1) + 1 FROM messages WHERE execution_id = ? AND channel = ?), ?)`,
  markChanged: `UPDATE executions SET changed = ${NEXT_CHANGE} WHERE id = ? RETURNING changed`,
  /** Every expression reads the row as it was: a delayed execution not begun yet ends here and now. */
  requestCancel: `UPDATE executions SET cancel_requested = 1,
       status = CASE status WHEN 'scheduled' THEN 'cancelled' ELSE status END,
       body = CASE status WHEN 'scheduled' THEN json_set(body, '$.outcome', json(?)) ELSE body END,
       owner = CASE status WHEN 'scheduled' THEN NULL ELSE owner END,
       ended_at = CASE status WHEN 'scheduled' THEN ? ELSE ended_at END,
       changed = ${NEXT_CHANGE}
     WHERE id = ? AND ${UNFINISHED} RETURNING changed`,
  begun: `UPDATE executions SET status = 'running', changed = ${NEXT_CHANGE}
     WHERE id = ? AND status = 'scheduled' AND owner = ? RETURNING changed`,
  claim: `UPDATE executions SET owner = ?, lease_until = ?
     WHERE id = ? AND ${UNFINISHED} AND (owner IS NULL OR owner = ? OR lease_until < ?)`,
  claimable: `SELECT id FROM executions WHERE ${UNFINISHED} AND (owner IS NULL OR lease_until < ?) ORDER BY changed`,
  ids: 'SELECT id FROM executions ORDER BY changed',
  release: `UPDATE executions SET owner = NULL WHERE owner = ?`,
  sweepPromises: `DELETE FROM promises WHERE execution_id IN (${EXPIRED})`,
  sweepMessages: `DELETE FROM messages WHERE execution_id IN (${EXPIRED})`,
  sweepExecutions: 'DELETE FROM executions WHERE ended_at IS NOT NULL AND ended_at < ?',
  changedSince: 'SELECT id, changed FROM executions WHERE changed > ? ORDER BY changed',
  lapsed: `SELECT id FROM executions WHERE ${UNFINISHED} AND owner IS NOT NULL AND owner <> ? AND lease_until < ?`,
  renewLeases: `UPDATE executions SET lease_until = ? WHERE owner = ? AND ${UNFINISHED}`,
} as const;

export type Sql = (typeof SQL)[keyof typeof SQL];
