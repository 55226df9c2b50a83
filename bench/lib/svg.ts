/**
 * Two small chart kinds, hand-written: a histogram and a step/line chart. Plain SVG with
 * no scripts or external references, so they render on GitHub and in any browser.
 */
const WIDTH = 720;
const HEIGHT = 360;
const PAD = { left: 64, right: 24, top: 40, bottom: 52 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (value: number) =>
  Math.abs(value) >= 100 ? value.toFixed(0) : String(Number(value.toPrecision(3)));

function frame(title: string, xLabel: string, yLabel: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
    `<text x="${PAD.left + PLOT_W / 2}" y="${HEIGHT - 12}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text transform="translate(16 ${PAD.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
    `<line x1="${PAD.left}" y1="${PAD.top + PLOT_H}" x2="${PAD.left + PLOT_W}" y2="${PAD.top + PLOT_H}" stroke="black"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + PLOT_H}" stroke="black"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function axes(xMax: number, yMax: number): { x(v: number): number; y(v: number): number; ticks: string[] } {
  const x = (v: number) => PAD.left + (v / xMax) * PLOT_W;
  const y = (v: number) => PAD.top + PLOT_H - (v / yMax) * PLOT_H;
  const ticks: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const xv = (xMax * i) / 5;
    const yv = (yMax * i) / 5;
    ticks.push(`<text x="${x(xv)}" y="${PAD.top + PLOT_H + 16}" text-anchor="middle">${fmt(xv)}</text>`);
    ticks.push(`<text x="${PAD.left - 6}" y="${y(yv) + 4}" text-anchor="end">${fmt(yv)}</text>`);
    ticks.push(
      `<line x1="${PAD.left}" y1="${y(yv)}" x2="${PAD.left + PLOT_W}" y2="${y(yv)}" stroke="#eee"/>`,
    );
  }
  return { x, y, ticks };
}

export interface Marker {
  label: string;
  value: number;
}

/** Counts of `samples` in `bins` equal-width bins up to the largest sample, with vertical markers. */
export function histogramSvg(options: {
  title: string;
  xLabel: string;
  samples: readonly number[];
  bins?: number;
  markers?: readonly Marker[];
}): string {
  const bins = options.bins ?? 40;
  const xMax = Math.max(1, ...options.samples);
  const counts = new Array<number>(bins).fill(0);
  for (const sample of options.samples) {
    const bin = Math.min(bins - 1, Math.floor((sample / xMax) * bins));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  const { x, y, ticks } = axes(xMax, Math.max(1, ...counts));
  const width = PLOT_W / bins;
  const bars = counts.map(
    (count, i) =>
      `<rect x="${x((i * xMax) / bins)}" y="${y(count)}" width="${Math.max(1, width - 1)}" height="${y(0) - y(count)}" fill="${COLORS[0]}"/>`,
  );
  const markers = (options.markers ?? []).flatMap((marker, i) => [
    `<line x1="${x(marker.value)}" y1="${PAD.top}" x2="${x(marker.value)}" y2="${PAD.top + PLOT_H}" stroke="${COLORS[(i % 4) + 1]}" stroke-dasharray="4 3"/>`,
    `<text x="${x(marker.value) + 4}" y="${PAD.top + 12 + i * 14}" fill="${COLORS[(i % 4) + 1]}">${escapeXml(`${marker.label} ${fmt(marker.value)}`)}</text>`,
  ]);
  return frame(options.title, options.xLabel, 'operations', [...ticks, ...bars, ...markers]);
}

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
}

/** Lines through each series' points, with a legend. */
export function lineChartSvg(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
}): string {
  const all = options.series.flatMap((series) => series.points);
  const { x, y, ticks } = axes(Math.max(1, ...all.map((p) => p[0])), Math.max(1, ...all.map((p) => p[1])));
  const lines = options.series.flatMap((series, i) => {
    const color = COLORS[i % COLORS.length];
    const path = series.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    return [
      `<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${PAD.left + 10}" y="${PAD.top + 14 + i * 16}" fill="${color}">${escapeXml(series.name)}</text>`,
    ];
  });
  return frame(options.title, options.xLabel, options.yLabel, [...ticks, ...lines]);
}
