// The results chart as a self-made SVG: one group of horizontal bars per scenario, median
// changes per second of each contender, bars scaled to the fastest in the group (the
// throughputs of different scenarios differ by orders of magnitude), min–max as a whisker.
import { CONTENDER_LABELS, type CaseResult, type ContenderId } from './runner';

const COLORS: Record<ContenderId, string> = {
  'fieldsync-pg': '#1f6feb',
  'fieldsync-pg-instances': '#0a3069',
  'fieldsync-pglite': '#54aeff',
  pouchdb: '#d1242f',
  'raw-tx': '#57606a',
  'raw-pool10': '#8c959f',
  'raw-copy': '#afb8c1',
};

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function chartSvg(results: readonly CaseResult[], titles: Record<string, string>): string {
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  const labelW = 190;
  const barW = 520;
  const valueW = 150;
  const width = labelW + barW + valueW + 20;
  const rowH = 20;
  const out: string[] = [];
  let y = 40;
  for (const s of scenarios) {
    const rows = results.filter((r) => r.scenario === s && r.runs > 0);
    if (rows.length === 0) continue;
    const max = Math.max(...rows.map((r) => r.rate.max));
    out.push(`<text x="10" y="${y + 14}" font-weight="bold">${esc(titles[s] ?? s)}</text>`);
    y += 22;
    for (const r of rows) {
      const w = (v: number) => Math.max(1, (v / max) * barW);
      const cy = y + rowH / 2;
      out.push(`<text x="${labelW - 8}" y="${cy + 4}" text-anchor="end">${esc(CONTENDER_LABELS[r.contender])}</text>`);
      out.push(`<rect x="${labelW}" y="${y + 3}" width="${w(r.rate.median).toFixed(1)}" height="${rowH - 6}" fill="${COLORS[r.contender]}"/>`);
      if (r.runs > 1)
        out.push(`<line x1="${(labelW + w(r.rate.min)).toFixed(1)}" x2="${(labelW + w(r.rate.max)).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="#24292f" stroke-width="1.5"/>`);
      out.push(`<text x="${labelW + barW + 8}" y="${cy + 4}">${Math.round(r.rate.median).toLocaleString('en-US')}/s${r.correct ? '' : ' ✗'}</text>`);
      y += rowH;
    }
    y += 12;
  }
  const height = y + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12" fill="#24292f">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">Changes per second (median of runs; whisker: min–max; longer is better)</text>`,
    ...out,
    `<text x="10" y="${height - 10}" fill="#57606a">Bars are scaled within each scenario. ✗ marks a failed correctness check.</text>`,
    `</svg>`,
    '',
  ].join('\n');
}
