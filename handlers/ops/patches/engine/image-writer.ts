// Row images into patch_changes with COPY, in one API transaction that is committed only by
// commit(): execute writes each image as the target statement returns it, while the target's
// transaction is still open (the images are committed before the target's COMMIT either way), so
// the API's database works beside the target instead of after it. The json texts are passed on as
// they came, never parsed: only COPY's text-format escapes are added, which COPY removes.
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Characters COPY's text format reads specially; JSON text holds them only as whitespace and escapes. */
const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const copyField = (s: string | null) => (s === null ? '\\N' : SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : s);

/** About 1 MB a CopyData message: few socket writes, bounded latency. */
const CHUNK_CHARS = 1 << 20;

export class ImageWriter {
  /** Images added so far (the next one's `ord` is count + 1). */
  count = 0;
  private buffered = '';
  private failure: Error | null = null;
  private ended = false;
  /** The start of a row that addCopyChunk has not seen the end of. */
  private partial: Buffer | null = null;

  private constructor(
    private readonly client: pg.PoolClient,
    private readonly executionId: string,
    private readonly copy: ReturnType<typeof copyFrom>,
  ) {
    // Recorded, thrown by commit(): an unhandled 'error' event would end the process.
    copy.on('error', (err) => (this.failure ??= err));
  }

  /** A connection of its own, a transaction, and the COPY started. */
  static async open(api: pg.Pool, executionId: string): Promise<ImageWriter> {
    const client = await api.connect();
    try {
      await client.query('BEGIN');
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    const copy = client.query(copyFrom('COPY patch_changes (execution_id, ord, pk, before, after) FROM STDIN'));
    return new ImageWriter(client, executionId, copy);
  }

  add(pk: string, before: string | null, after: string | null): void {
    this.count++;
    this.buffered += `${this.executionId}\t${this.count}\t${copyField(pk)}\t${copyField(before)}\t${copyField(after)}\n`;
    if (this.buffered.length >= CHUNK_CHARS) this.flush();
  }

  /**
   * Rows in COPY's text format, as `COPY (…) TO STDOUT` sends them (pk, before, after; already
   * escaped), in chunks that may split a row: each complete row is passed on as bytes, behind its
   * execution id and ord. Returns false when the API connection is behind: pause the source until
   * `onDrain`.
   */
  addCopyChunk(chunk: Buffer): boolean {
    const data = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = null;
    const parts: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
      this.count++;
      parts.push(Buffer.from(`${this.executionId}\t${this.count}\t`), data.subarray(start, nl + 1));
      start = nl + 1;
    }
    if (start < data.length) this.partial = Buffer.from(data.subarray(start));
    this.flush();
    return parts.length === 0 || this.copy.write(Buffer.concat(parts));
  }

  onDrain(resume: () => void): void {
    this.copy.once('drain', resume);
  }

  private flush(): void {
    if (this.buffered) this.copy.write(this.buffered);
    this.buffered = '';
  }

  private async endCopy(): Promise<void> {
    if (this.partial) throw new Error('COPY data ended inside a row');
    this.flush();
    this.ended = true;
    await new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.copy.once('error', reject);
      this.copy.end(() => resolve());
    });
  }

  /**
   * Ends the COPY and, in the same transaction, moves the execution 'started' → 'prepared' with
   * the target's txid, then COMMITs. Returns false (everything rolled back) if the execution is no
   * longer 'started': a reconcile decided it aborted meanwhile, and the caller rolls the target back.
   */
  async commit(txid: string, extra: { conflicts?: unknown[]; sessionSettings?: Record<string, string> } = {}): Promise<boolean> {
    try {
      await this.endCopy();
      const upd = await this.client.query(
        `UPDATE patch_executions SET state = 'prepared', target_txid = $2, affected_rows = $3, conflicts = $4, session_settings = $5,
                prepared_at = now()
          WHERE id = $1 AND state = 'started'`,
        [this.executionId, txid, this.count, JSON.stringify(extra.conflicts ?? []), JSON.stringify(extra.sessionSettings ?? {})],
      );
      if (upd.rowCount !== 1) {
        await this.client.query('ROLLBACK');
        this.client.release();
        return false;
      }
      await this.client.query('COMMIT');
      this.client.release();
      return true;
    } catch (err) {
      // Whatever state the connection is in, closing it rolls the transaction back.
      this.client.release(err as Error);
      throw err;
    }
  }

  /** Nothing is kept: the COPY is cancelled and the transaction rolled back. */
  async abort(): Promise<void> {
    try {
      if (!this.ended && !this.failure) {
        this.ended = true;
        await new Promise<void>((resolve) => {
          this.copy.once('close', resolve);
          this.copy.destroy(new Error('execution aborted'));
        });
      }
      await this.client.query('ROLLBACK');
      this.client.release();
    } catch (err) {
      this.client.release(err as Error);
    }
  }
}
