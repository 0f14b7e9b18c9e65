import type { PlaygroundConfig } from '../config/types';
import { SnapshotDecoder } from '../decode/mlp';
import type { LayerSnapshot } from '../model/vae';
import type { EncodedImage, EvalMetrics, FromWorker, ReconstructionExamples, StepMetrics, ToWorker } from './protocol';
import type { LiveSettings } from './trainer';
import TrainingWorker from './training.worker.ts?worker';
import { markEval, markFirstStep, markTensorCount } from '../perf/marks';

export interface LoadProgress {
  stage: 'backend' | 'download' | 'upload';
  loaded: number;
  total: number;
}

export interface LatentCloud {
  /** testCount × latent means. */
  means: Float32Array;
  labels: Uint8Array;
  latent: number;
}

/**
 * Metric history kept outside Svelte's reactivity (it can reach 100,000 points);
 * `version` ticks whenever it grows so views can pull what is new.
 */
export class MetricHistory {
  steps: StepMetrics[] = [];
  evals: EvalMetrics[] = [];
  clear(): void {
    this.steps = [];
    this.evals = [];
  }
}

/** Owns the training worker; exposes its state as runes. Replies from an older generation are dropped. */
export class TrainingClient {
  readonly history = new MetricHistory();
  #worker: Worker;
  #generation = 0;
  #pendingSnapshots = new Map<number, (layers: LayerSnapshot[]) => void>();
  #pendingEncodes = new Map<number, (image: EncodedImage) => void>();
  #nextRequestId = 1;

  #status = $state<'loading' | 'ready' | 'error'>('loading');
  #progress = $state<LoadProgress | null>(null);
  #backend = $state('');
  #backendNotes = $state.raw<string[]>([]);
  #running = $state(false);
  #step = $state(0);
  #epoch = $state(0);
  #stepsPerEpoch = $state(0);
  #samplesPerSecond = $state(0);
  #numTensors = $state(0);
  #latest = $state.raw<StepMetrics | null>(null);
  #latestEval = $state.raw<EvalMetrics | null>(null);
  #historyVersion = $state(0);
  #decoder = $state.raw<SnapshotDecoder | null>(null);
  #latents = $state.raw<LatentCloud | null>(null);
  #examples = $state.raw<ReconstructionExamples | null>(null);
  #classNames = $state.raw<readonly string[]>([]);
  #testLabels: Uint8Array = new Uint8Array(0);
  #notice = $state<string | null>(null);
  #error = $state<string | null>(null);

  constructor() {
    this.#worker = new TrainingWorker({ name: 'vae-training' });
    this.#worker.onmessage = (event: MessageEvent<FromWorker>) => this.#receive(event.data);
    this.#worker.onerror = (event) => {
      this.#status = 'error';
      this.#error = `The training worker crashed: ${event.message || 'unknown error'}`;
    };
  }

  get status() { return this.#status; }
  get progress() { return this.#progress; }
  get backend() { return this.#backend; }
  get backendNotes() { return this.#backendNotes; }
  get running() { return this.#running; }
  get step() { return this.#step; }
  get epoch() { return this.#epoch; }
  get stepsPerEpoch() { return this.#stepsPerEpoch; }
  get samplesPerSecond() { return this.#samplesPerSecond; }
  /** Live tensors in the worker: flat while training means no leak. */
  get numTensors() { return this.#numTensors; }
  get latest() { return this.#latest; }
  get latestEval() { return this.#latestEval; }
  get historyVersion() { return this.#historyVersion; }
  get decoder() { return this.#decoder; }
  get latents() { return this.#latents; }
  /** Test images and their reconstructions, refreshed with every evaluation. */
  get examples() { return this.#examples; }
  get classNames() { return this.#classNames; }
  get notice() { return this.#notice; }
  get error() { return this.#error; }

  dismissNotice(): void {
    this.#notice = null;
  }

  #send(message: ToWorker): void {
    this.#worker.postMessage(message);
  }

  /** Builds a fresh model (and loads data if needed); any earlier run is discarded. */
  start(config: PlaygroundConfig, dataUrl: string): void {
    this.#generation++;
    this.#status = 'loading';
    this.#running = false;
    this.#step = 0;
    this.#epoch = 0;
    this.#samplesPerSecond = 0;
    this.#latest = null;
    this.#latestEval = null;
    this.#decoder = null;
    this.#latents = null;
    this.#examples = null;
    this.#notice = null;
    this.#error = null;
    this.history.clear();
    this.#historyVersion++;
    this.#send({ type: 'init', generation: this.#generation, config: $state.snapshot(config) as PlaygroundConfig, dataUrl });
  }

  play(): void {
    this.#notice = null;
    this.#running = true;
    this.#send({ type: 'play' });
  }

  pause(): void {
    this.#running = false;
    this.#send({ type: 'pause' });
  }

  stepOnce(count = 1): void {
    this.#notice = null;
    this.#send({ type: 'step', count });
  }

  setLive(settings: Partial<LiveSettings>): void {
    this.#send({ type: 'live', settings });
  }

  restoreWeights(layers: LayerSnapshot[]): void {
    this.#send({ type: 'restore', layers });
  }

  /** All weights (encoder then decoder), for export. */
  requestSnapshot(): Promise<LayerSnapshot[]> {
    const requestId = this.#nextRequestId++;
    return new Promise((resolve) => {
      this.#pendingSnapshots.set(requestId, resolve);
      this.#send({ type: 'snapshot', requestId });
    });
  }

  /** μ, log σ² and reconstruction of one test image under the current model. */
  encodeTestImage(index: number): Promise<EncodedImage> {
    const requestId = this.#nextRequestId++;
    return new Promise((resolve) => {
      this.#pendingEncodes.set(requestId, resolve);
      this.#send({ type: 'encode-test', requestId, index });
    });
  }

  /** Number of test images (0 until the data is loaded). */
  get testCount(): number {
    return this.#testLabels.length;
  }

  dispose(): void {
    this.#worker.terminate();
  }

  #receive(message: FromWorker): void {
    if (message.type === 'error') {
      this.#running = false;
      this.#error = message.message;
      if (this.#status === 'loading') this.#status = 'error';
      return;
    }
    if (message.generation !== this.#generation) return;
    switch (message.type) {
      case 'progress':
        this.#progress = { stage: message.stage, loaded: message.loaded, total: message.total };
        return;
      case 'ready':
        this.#status = 'ready';
        this.#backend = message.backend;
        this.#backendNotes = message.backendNotes;
        this.#stepsPerEpoch = message.stepsPerEpoch;
        this.#classNames = message.classNames;
        this.#testLabels = message.testLabels;
        return;
      case 'metrics': {
        const last = message.steps[message.steps.length - 1];
        for (const s of message.steps) this.history.steps.push(s);
        this.#latest = last;
        this.#step = last.step;
        this.#epoch = message.epoch;
        this.#samplesPerSecond = message.samplesPerSecond;
        this.#numTensors = message.numTensors;
        this.#historyVersion++;
        markFirstStep();
        markTensorCount(last.step, message.numTensors);
        return;
      }
      case 'eval':
        this.history.evals.push(message.metrics);
        this.#latestEval = message.metrics;
        markEval(message.metrics);
        this.#latents = { means: message.means, labels: this.#testLabels, latent: message.latent };
        this.#examples = message.examples;
        this.#historyVersion++;
        return;
      case 'decoder':
        this.#decoder = new SnapshotDecoder(message.layers);
        return;
      case 'running':
        this.#running = message.running;
        return;
      case 'backend-changed':
        this.#backend = message.backend;
        this.#notice = message.message;
        return;
      case 'diverged':
        this.#running = false;
        this.#notice = message.message;
        return;
      case 'snapshot': {
        const resolve = this.#pendingSnapshots.get(message.requestId);
        this.#pendingSnapshots.delete(message.requestId);
        resolve?.(message.layers);
        return;
      }
      case 'encoded': {
        const resolve = this.#pendingEncodes.get(message.requestId);
        this.#pendingEncodes.delete(message.requestId);
        resolve?.(message.image);
        return;
      }
      default: {
        const unknown: never = message;
        console.warn('unknown message from the training worker', unknown);
      }
    }
  }
}
