import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Session } from 'chdb';
import { StoreError } from './errors.js';
import { SINGLE_NODE } from './cluster.js';
import { type EncodedColumn, encoderFor, rowBinary } from './rowbinary.js';
import type { QueryParams, Store, Table } from './types.js';
import { WriteGate } from './write-gate.js';

/**
 * Embedded driver: real ClickHouse in-process via chdb; one data directory per
 * process. Two connections to it: chdb runs one statement at a time per
 * connection, so inserts get one of their own and every read and other
 * statement the other: the ingest's dedup read and the dashboard's queries
 * then run while a large insert commits instead of queueing behind it.
 */
export class ChdbStore implements Store {
  readonly kind = 'embedded' as const;
  readonly layout = SINGLE_NODE;
  /** True when the previous process on this directory did not close it (crash, kill -9). */
  readonly uncleanShutdown: boolean;
  private readonly session: Session;
  private readonly writer: Session;
  private readonly marker: string;
  private readonly gate = new WriteGate();
  /** Where RowBinary payloads wait for their INSERT … SELECT FROM file(); emptied at open. */
  private readonly scratch: string;
  private payloads = 0;
  private readonly columns = new Map<Table, Promise<Map<string, EncodedColumn>>>();
  /** Bytes per row of each table's last RowBinary payload: the size hint of its next one. */
  private readonly rowBytes = new Map<Table, number>();

  constructor(readonly dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    try {
      this.session = new Session(dataDir);
      this.writer = new Session(dataDir);
    } catch (err) {
      throw new StoreError(`cannot open embedded ClickHouse at ${dataDir}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    // Present while a process has the directory open; a marker found at open means it died holding it.
    this.marker = join(dataDir, 'evaltrace.open');
    this.uncleanShutdown = existsSync(this.marker);
    writeFileSync(this.marker, String(process.pid));
    // Absolute, so file() finds it whatever directory ClickHouse resolves relative paths against.
    this.scratch = resolve(dataDir, 'insert-payloads');
    rmSync(this.scratch, { recursive: true, force: true });
    mkdirSync(this.scratch);
  }

  async command(sql: string, params: QueryParams = {}): Promise<void> {
    await this.run(sql, params, 'Null');
  }

  async query<T>(sql: string, params: QueryParams = {}): Promise<T[]> {
    const text = await this.run(sql, params, 'JSONEachRow');
    if (text.length === 0) return [];
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as T);
  }

  async insert(table: Table, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = columnsOf(rows);
    if (BINARY_TABLES.has(table)) return this.insertRowBinary(table, rows, columns);
    const body = compactJsonRows(rows, columns);
    await this.gate.write(async () => {
      try {
        await this.writer.insert({ table, columns, values: Buffer.from(body), format: 'JSONCompactEachRow' });
      } catch (err) {
        throw new StoreError(`insert into ${table} failed: ${(err as Error).message}`, { cause: err });
      }
    });
  }

  /**
   * chdb's insert takes text formats only and its query string ends at the
   * first NUL byte, so a binary payload goes through a file: written here,
   * read by `INSERT … SELECT FROM file()` in the same statement's place.
   */
  private async insertRowBinary(table: Table, rows: readonly object[], columns: string[]): Promise<void> {
    const known = await this.tableColumns(table);
    const encoders = columns.map((name) => {
      const column = known.get(name);
      if (column === undefined) throw new StoreError(`insert into ${table} failed: no column ${name}`);
      return column;
    });
    const body = rowBinary(rows, encoders, rows.length * (this.rowBytes.get(table) ?? 0));
    this.rowBytes.set(table, body.length / rows.length);
    const path = join(this.scratch, `${++this.payloads}.rowbinary`);
    const structure = encoders.map((c) => `${c.name} ${c.type}`).join(', ');
    await this.gate.write(async () => {
      try {
        await writeFile(path, body);
        await this.writer.queryAsync(
          `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM file(${quote(path)}, 'RowBinary', ${quote(structure)})`,
          { format: 'Null' },
        );
      } catch (err) {
        throw new StoreError(`insert into ${table} failed: ${(err as Error).message}`, { cause: err });
      } finally {
        await rm(path, { force: true });
      }
    });
  }

  /** A table's columns with their types and encoders, read once: the encoders follow the schema the migrations made. */
  private tableColumns(table: Table): Promise<Map<string, EncodedColumn>> {
    let columns = this.columns.get(table);
    if (!columns) {
      columns = this.query<{ name: string; type: string }>(
        'SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = {table:String}',
        { table },
      ).then((cs) => new Map(cs.map((c) => [c.name, { ...c, encode: encoderFor(c.type) }])));
      // A failed read is not kept: the next insert asks again.
      columns.catch(() => this.columns.delete(table));
      this.columns.set(table, columns);
    }
    return columns;
  }

  barrier<T>(fn: () => Promise<T>): Promise<T> {
    return this.gate.exclusive(fn);
  }

  async ping(): Promise<boolean> {
    try {
      await this.session.queryAsync('SELECT 1', { format: 'Null' });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.writer.close();
    this.session.close();
    rmSync(this.marker, { force: true });
  }

  private async run(sql: string, params: QueryParams, format: string): Promise<string> {
    try {
      const result =
        Object.keys(params).length > 0
          ? await this.session.queryBindAsync(sql, params, { format })
          : await this.session.queryAsync(sql, { format });
      return result.text();
    } catch (err) {
      throw new StoreError(`query failed: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** The ingest's tables, whose row shapes (ingest/rows.ts) hold every value in the form the RowBinary encoder takes. */
const BINARY_TABLES: ReadonlySet<Table> = new Set<Table>(['spans', 'evaluations']);

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Every key any row has, in first-seen order: rows built in different places may leave optional ones out. */
function columnsOf(rows: readonly object[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const key in row) columns.add(key);
  return [...columns];
}

/**
 * Rows as JSONCompactEachRow, values in `columns`' order (a missing one is
 * null: the column's default): ClickHouse parses it faster than JSONEachRow,
 * which names every column in every row.
 */
function compactJsonRows(rows: readonly object[], columns: readonly string[]): string {
  const line = new Array<unknown>(columns.length);
  return rows
    .map((row) => {
      const r = row as Record<string, unknown>;
      for (let i = 0; i < columns.length; i++) line[i] = r[columns[i]!];
      return JSON.stringify(line);
    })
    .join('\n');
}
