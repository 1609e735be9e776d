/**
 * A padded Markdown table, so bench output pastes straight into docs/benchmarks.md.
 * The first `leftColumns` columns are labels (left-aligned); the rest are numbers (right-aligned).
 *
 * @param {string[]} header
 * @param {string[][]} body
 * @param {number} [leftColumns]
 * @returns {string}
 */
export function markdownTable(header, body, leftColumns = 1) {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((cells) => cells[column].length)),
  );
  const isLeft = (column) => column < leftColumns;
  const line = (cells) =>
    `| ${cells
      .map((cell, column) =>
        isLeft(column) ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join(' | ')} |`;
  const rule = `|${widths
    .map((width, column) => (isLeft(column) ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`))
    .join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}
