import {
  Chart,
  Decimation,
  Legend,
  LinearScale,
  LogarithmicScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import type { ReconTerm } from '../model/recon-term';
import type { EvalMetrics, StepMetrics } from '../training/protocol';
import { readableNumber } from '../format/number';
import { lossLabels } from './loss-labels';

// Only what the loss chart uses, so the bundle stays small.
Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip, Decimation);

type Point = { x: number; y: number };

export interface ChartColors {
  recon: string;
  kl: string;
  total: string;
  text: string;
  grid: string;
  /** Steps whose weights were rolled back. */
  discarded: string;
  /** One colour per kept run drawn over the current one, in order. */
  runs: string[];
}

/** A kept run drawn over the current run: its −ELBO per training step. */
export interface ChartOverlay {
  label: string;
  /** Index into `ChartColors.runs`. */
  colorIndex: number;
  points: Point[];
}

/** The same series the chart shows, in one place so labels and colours stay in sync. */
const SERIES = [
  { key: 'recon', axis: 'y', test: false },
  { key: 'kl', axis: 'y1', test: false },
  { key: 'total', axis: 'y', test: false },
  { key: 'recon', axis: 'y', test: true },
  { key: 'kl', axis: 'y1', test: true },
  { key: 'total', axis: 'y', test: true },
] as const;
/** After the six series: the total of steps that were rolled back, kept so a spike stays visible. */
const DISCARDED = SERIES.length;
/** Kept runs' series come after the current run's. */
const FIRST_OVERLAY = DISCARDED + 1;

/** Legend text per series: the test total is −ELBO only when the reconstruction is a log-likelihood. */
function seriesLabels(recon: ReconTerm): string[] {
  const test = lossLabels(recon).testTotal;
  return ['reconstruction (train)', 'KL (train)', 'total (train)', 'reconstruction (test)', 'KL (test)', `${test} (test)`];
}

/**
 * A chart.js line chart made once and appended to: animation off, LTTB
 * decimation down to a few hundred drawn points, so 100,000 steps stay smooth.
 */
export class LossChart {
  private readonly chart: Chart<'line', Point[]>;
  private stepsDrawn = 0;
  private evalsDrawn = 0;
  private discardedDrawn = 0;
  private colors: ChartColors;
  private overlayColors: number[] = [];

  constructor(canvas: HTMLCanvasElement, colors: ChartColors, recon: ReconTerm) {
    this.colors = colors;
    const labels = seriesLabels(recon);
    const datasets: ChartDataset<'line', Point[]>[] = SERIES.map((s, i) => ({
      label: labels[i],
      data: [],
      yAxisID: s.axis,
      borderColor: colors[s.key],
      backgroundColor: colors[s.key],
      borderWidth: s.test ? 2 : 1.5,
      borderDash: s.test ? [6, 4] : undefined,
      pointRadius: s.test ? 3 : 0,
      pointHoverRadius: 4,
      tension: 0,
      indexAxis: 'x',
    }));
    datasets.push({
      label: 'rolled back (total)',
      data: [],
      yAxisID: 'y',
      borderColor: colors.discarded,
      backgroundColor: colors.discarded,
      borderWidth: 1,
      borderDash: [2, 3],
      pointRadius: 0,
      tension: 0,
      indexAxis: 'x',
      hidden: false,
    });
    // A CPU-rastered canvas: redraws never wait on a round trip to the GPU process
    // (which is itself a software renderer on machines without a GPU).
    canvas.getContext('2d', { willReadFrequently: true });
    this.chart = new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: { datasets },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'step' }, min: 0 },
          y: { type: 'linear', position: 'left', title: { display: true, text: 'reconstruction, total' } },
          y1: { type: 'linear', position: 'right', title: { display: true, text: 'KL' }, grid: { drawOnChartArea: false } },
        },
        plugins: {
          decimation: { enabled: true, algorithm: 'lttb', samples: 400, threshold: 800 },
          legend: {
            position: 'bottom',
            labels: {
              boxWidth: 14,
              usePointStyle: false,
              // The rolled-back series is named only once there is something in it.
              filter: (item, data) => item.datasetIndex !== DISCARDED || data.datasets[DISCARDED].data.length > 0,
            },
          },
          tooltip: {
            callbacks: { label: (ctx) => `${ctx.dataset.label}: ${readableNumber(ctx.parsed.y)}` },
          },
        },
      },
    });
    this.setColors(colors);
  }

  setColors(colors: ChartColors): void {
    this.colors = colors;
    SERIES.forEach((s, i) => {
      const ds = this.chart.data.datasets[i];
      ds.borderColor = colors[s.key];
      ds.backgroundColor = colors[s.key];
    });
    this.chart.data.datasets[DISCARDED].borderColor = colors.discarded;
    this.chart.data.datasets[DISCARDED].backgroundColor = colors.discarded;
    this.overlayColors.forEach((index, i) => {
      const ds = this.chart.data.datasets[FIRST_OVERLAY + i];
      ds.borderColor = ds.backgroundColor = this.runColor(index);
    });
    for (const scale of Object.values(this.chart.options.scales ?? {})) {
      if (!scale) continue;
      scale.ticks = { ...scale.ticks, color: colors.text };
      scale.grid = { ...scale.grid, color: colors.grid };
      if ('title' in scale && scale.title) scale.title.color = colors.text;
    }
    const legend = this.chart.options.plugins?.legend;
    if (legend?.labels) legend.labels.color = colors.text;
    this.chart.update('none');
  }

  private runColor(index: number): string {
    const runs = this.colors.runs;
    return runs.length > 0 ? runs[index % runs.length] : this.colors.text;
  }

  /** Replaces the kept runs drawn over the current one. */
  setOverlays(overlays: readonly ChartOverlay[]): void {
    const sets = this.chart.data.datasets;
    sets.length = FIRST_OVERLAY;
    for (const o of overlays) {
      const color = this.runColor(o.colorIndex);
      sets.push({
        label: o.label,
        data: o.points.slice(), // decimation may swap arrays: the run's own stays untouched
        yAxisID: 'y',
        borderColor: color,
        backgroundColor: color,
        borderWidth: 2,
        pointRadius: 0,
        pointHoverRadius: 4,
        tension: 0,
        indexAxis: 'x',
      });
    }
    this.overlayColors = overlays.map((o) => o.colorIndex);
    this.chart.update('none');
  }

  /** The legend text of the kept runs now drawn, in order. */
  overlayLabels(): string[] {
    return this.chart.data.datasets.slice(FIRST_OVERLAY).map((ds) => ds.label ?? '');
  }

  /** Names the series for the reconstruction loss in use. */
  setRecon(recon: ReconTerm): void {
    const labels = seriesLabels(recon);
    labels.forEach((label, i) => (this.chart.data.datasets[i].label = label));
    this.chart.update('none');
  }

  /**
   * A log scale keeps the axes readable when one stretch of the run is far
   * above the rest (a spike before a rollback); linear is easier to read otherwise.
   */
  setLogScale(log: boolean): void {
    const scales = this.chart.options.scales ?? {};
    for (const id of ['y', 'y1'] as const) {
      const scale = scales[id];
      if (scale) scale.type = log ? 'logarithmic' : 'linear';
    }
    this.chart.update('none');
  }

  /** Appends whatever is new in the history; redraws from scratch when the history was cleared or rewound. */
  sync(steps: readonly StepMetrics[], evals: readonly EvalMetrics[], discarded: readonly StepMetrics[] = []): void {
    const sets = this.chart.data.datasets;
    if (steps.length < this.stepsDrawn || evals.length < this.evalsDrawn || discarded.length !== this.discardedDrawn) {
      for (const ds of sets.slice(0, FIRST_OVERLAY)) ds.data = [];
      this.stepsDrawn = 0;
      this.evalsDrawn = 0;
      sets[DISCARDED].data = discarded.map((s) => ({ x: s.step, y: s.total }));
      this.discardedDrawn = discarded.length;
    }
    // Decimation swaps in its own arrays while drawing; always append to the originals.
    const data = sets.map((ds) => (ds as unknown as { _data?: Point[] })._data ?? ds.data);
    for (let i = this.stepsDrawn; i < steps.length; i++) {
      const s = steps[i];
      data[0].push({ x: s.step, y: s.recon });
      data[1].push({ x: s.step, y: s.kl });
      data[2].push({ x: s.step, y: s.total });
    }
    for (let i = this.evalsDrawn; i < evals.length; i++) {
      const e = evals[i];
      data[3].push({ x: e.step, y: e.recon });
      data[4].push({ x: e.step, y: e.kl });
      data[5].push({ x: e.step, y: e.negElbo });
    }
    this.stepsDrawn = steps.length;
    this.evalsDrawn = evals.length;
    this.chart.update('none');
  }

  toPng(): string {
    return this.chart.toBase64Image('image/png', 1);
  }

  destroy(): void {
    this.chart.destroy();
  }
}
