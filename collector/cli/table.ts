/** Plain-text tables with aligned columns: numbers right-aligned, text left-aligned. */

/** Numbers, money, percentages, intervals, p-values and the null dash; not ids or versions that merely start with a digit. */
const NUMERIC = /^(?:[-+]?\$?\d[\d.]*(?:e[-+]?\d+)?(?:%| pp)?|—|\[.*\]|<[\d.]+)$/;

export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const right = headers.map((_, i) => rows.length > 0 && rows.every((r) => NUMERIC.test(r[i] ?? '')));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A titled block of text, separated from the next by a blank line. */
export function section(title: string, body: string): string {
  return `${title}\n${body}\n`;
}
