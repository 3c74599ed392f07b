/**
 * Upload bodies → items: JSON `{label?, items: [...]}`, JSON Lines (one item
 * per line), or CSV (header row; `id`, `input`, `expected` columns, every
 * other column into metadata; cells are kept as text).
 */
import { DomainError } from '../errors.js';
import { type ItemInput, ItemSchema } from './items.js';

const bad = (message: string) => new DomainError('invalid', 'invalid_dataset', message);

function item(value: unknown, where: string): ItemInput {
  const parsed = ItemSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : 'the item';
  throw bad(`${where}: ${field} ${issue.message}`);
}

export interface Upload {
  label?: string;
  items: ItemInput[];
}

export function parseJsonBody(text: string): Upload {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw bad(`the body is not JSON: ${(err as Error).message}`);
  }
  const o = body as { label?: unknown; items?: unknown };
  if (body === null || typeof body !== 'object' || !Array.isArray(o.items)) throw bad('the JSON body must be {"label"?: string, "items": [{id?, input, expected?, metadata?}, ...]}');
  const extra = Object.keys(o).filter((k) => k !== 'label' && k !== 'items');
  if (extra.length) throw bad(`unknown field ${extra[0]} in the body; expected label and items`);
  if (o.label !== undefined && typeof o.label !== 'string') throw bad('label must be a string');
  return { label: o.label, items: o.items.map((v, i) => item(v, `items[${i}]`)) };
}

export function parseJsonLines(text: string): ItemInput[] {
  const items: ItemInput[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw bad(`line ${i + 1}: not JSON (${(err as Error).message})`);
    }
    items.push(item(value, `line ${i + 1}`));
  });
  return items;
}

/** RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks. */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      line++;
    } else field += ch;
  }
  if (quoted) throw bad(`CSV: a quoted field opened before line ${line} is never closed`);
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  return records.filter((r) => !(r.length === 1 && r[0] === ''));
}

export function parseCsv(text: string): ItemInput[] {
  const [header, ...rows] = csvRecords(text.replace(/^\uFEFF/, ''));
  if (!header?.includes('input')) throw bad('CSV: the header row must name an input column (and optionally id, expected, and metadata columns)');
  return rows.map((cells, r) => {
    if (cells.length !== header.length) throw bad(`CSV row ${r + 2}: ${cells.length} cells where the header has ${header.length}`);
    const value: Record<string, unknown> = {};
    const metadata: Record<string, string> = {};
    header.forEach((column, c) => {
      const cell = cells[c]!;
      if (column === 'id') {
        if (cell !== '') value.id = cell;
      } else if (column === 'input') value.input = cell;
      else if (column === 'expected') {
        if (cell !== '') value.expected = cell;
      } else metadata[column] = cell;
    });
    if (Object.keys(metadata).length) value.metadata = metadata;
    return item(value, `CSV row ${r + 2}`);
  });
}
