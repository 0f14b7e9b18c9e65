import type { PlaygroundConfig } from '../config/types';
import { SnapshotDecoder } from '../decode/mlp';
import type { LayerSnapshot } from '../model/vae';
import type { Checkpoint } from './checkpoint';
import type { GridWindow } from './posterior';
import type { EncodedImage, EvalMetrics, ImageEncoding, ProbeResult, FromWorker, ReconstructionExamples, RunPosition, StepMetrics, TestEvaluation, ToWorker, WorkerRequest } from './protocol';
import type { LiveSettings } from './trainer';
import type { SweepPoint, SweepProgress, SweepSummary } from './sweep';
import type { TrainingData } from './dataset';
import TrainingWorker from './training.worker.ts?worker';
import { pixelsProblem } from './image-pixels';
import { MARK_CODES, MARK_POSTERIOR, markBackend, markEval, markFirstStep, markRefresh, markTensorCount } from '../perf/marks';

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
  /** Steps whose weights were rolled back: still shown, apart, so the spike stays visible. */
  discarded: StepMetrics[] = [];

  clear(): void {
    this.steps = [];
    this.evals = [];
    this.discarded = [];
  }

  replace(steps: StepMetrics[], evals: EvalMetrics[]): void {
    this.steps = steps;
    this.evals = evals;
    this.discarded = [];
  }

  /** The run went back to `step`: later steps move to `discarded`, later evaluations go. */
  rewindTo(step: number): void {
    const cut = this.steps.findIndex((s) => s.step > step);
    if (cut >= 0) this.discarded.push(...this.steps.splice(cut));
    this.evals = this.evals.filter((e) => e.step <= step);
  }
}

/** How long a request may go unanswered before it fails (a snapshot may queue behind a model being built). */
const REQUEST_TIMEOUT_MS: Record<WorkerRequest['type'], number> = {
  snapshot: 60_000,
  restore: 120_000,
  'encode-test': 30_000,
  'encode-pixels': 30_000,
  probe: 30_000,
  'probe-pixels': 30_000,
  // K up to 1,000 on a large model on the cpu backend takes minutes; progress shows it is alive.
  evaluate: 30 * 60_000,
  // Up to 12 βs × 20 epochs of a large model on the cpu backend is hours; progress shows it is alive.
  sweep: 24 * 60 * 60_000,
};

type ReplyOf = {
  snapshot: Checkpoint;
  restore: RunPosition;
  'encode-test': EncodedImage;
  'encode-pixels': ImageEncoding;
  probe: ProbeResult;
  'probe-pixels': ProbeResult;
  evaluate: TestEvaluation;
  sweep: SweepSummary;
};

/** What a sweep under way tells its caller before its reply. */
export interface SweepListener {
  onPoint(point: SweepPoint): void;
  onProgress(progress: SweepProgress): void;
}

interface PendingRequest {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Anything that carries messages to the worker and back (the real Worker, or a fake in tests). */
export interface WorkerPort {
  postMessage(message: ToWorker): void;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/**
 * Owns the training worker; exposes its state as runes. Broadcast messages of
 * an older generation are dropped; request replies are matched by id alone, so
 * every request settles: with its answer, its error, or a timeout.
 */
export class TrainingClient {
  readonly history = new MetricHistory();
  #worker: WorkerPort;
  #generation = $state(0);
  /** Counts restores: with the generation it names the run now shown. */
  #restores = $state(0);
  #requests = new Map<number, PendingRequest>();
  /** Progress callbacks of evaluations under way, by request id. */
  #evaluateProgress = new Map<number, (done: number, total: number) => void>();
  #nextRequestId = 1;
  /** Listeners of sweeps under way, by request id. */
  #sweepListeners = new Map<number, SweepListener>();
  #sweeping = $state(false);

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
  #checkpointStep = $state<number | null>(null);
  #latents = $state.raw<LatentCloud | null>(null);
  #klPerDim = $state.raw<Float32Array | null>(null);
  #codesMillis = $state<number | null>(null);
  #examples = $state.raw<ReconstructionExamples | null>(null);
  #classNames = $state.raw<readonly string[]>([]);
  #testLabels: Uint8Array = new Uint8Array(0);
  #testPoints = $state.raw<{ points: Float32Array; labels: Uint8Array } | null>(null);
  #notice = $state<string | null>(null);
  #error = $state<string | null>(null);

  constructor(worker: WorkerPort = new TrainingWorker({ name: 'vae-training' }) as unknown as WorkerPort) {
    this.#worker = worker;
    this.#worker.onmessage = (event: MessageEvent<FromWorker>) => this.#receive(event.data);
    this.#worker.onerror = (event) => {
      this.#status = 'error';
      this.#running = false;
      this.#error = `The training worker crashed: ${event.message || 'unknown error'}`;
      this.#failAllRequests('the training worker crashed');
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
  /** The step of the newest checkpoint the worker could roll back to. */
  get checkpointStep() { return this.#checkpointStep; }
  get latents() { return this.#latents; }
  /** KL per latent dimension over the test set at the last evaluation (nats). */
  get klPerDim() { return this.#klPerDim; }
  /** How long the worker took for the last live refresh of the test codes (ms). */
  get codesMillis() { return this.#codesMillis; }
  /** Test images and their reconstructions, refreshed with every evaluation. */
  get examples() { return this.#examples; }
  get classNames() { return this.#classNames; }
  /** A 2-D point set's test points and their classes (for the data plot); null for images. */
  get testPoints() { return this.#testPoints; }
  get notice() { return this.#notice; }
  get error() { return this.#error; }
  /** Changes whenever a new model replaces the run (messages about the old run go stale). */
  get runId() { return `${this.#generation}.${this.#restores}`; }
  /** Whether a β sweep is under way (training waits until it ends). */
  get sweeping() { return this.#sweeping; }
  /** Requests still waiting for their reply. */
  get pendingRequests() { return this.#requests.size; }

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
    this.#checkpointStep = null;
    this.#latents = null;
    this.#klPerDim = null;
    this.#codesMillis = null;
    this.#examples = null;
    this.#testPoints = null;
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

  /** Uploaded images or points, split: the next `start` with data `data.name` (`custom`, `custom-points`) trains on them. */
  setCustomData(data: TrainingData): void {
    this.#send({ type: 'custom-data', data });
  }

  /** The complete live settings now in force. */
  setLive(settings: LiveSettings): void {
    this.#send({ type: 'live', settings: { ...settings } });
  }

  /** Everything at one step: weights (encoder then decoder), the step, and the optimizer state if asked. */
  requestSnapshot(withOptimizer = false): Promise<Checkpoint> {
    return this.#request('snapshot', (requestId) => ({ type: 'snapshot', requestId, withOptimizer }));
  }

  /**
   * Continues from a checkpoint (a model file or a saved run). The run's
   * history becomes `history` (empty for a model file: its own curve is not in
   * it), so the chart never splices two runs together.
   */
  async restore(checkpoint: Checkpoint, history: { steps: StepMetrics[]; evals: EvalMetrics[] } = { steps: [], evals: [] }): Promise<RunPosition> {
    const generation = this.#generation;
    const position = await this.#request('restore', (requestId) => ({ type: 'restore', requestId, checkpoint }));
    // A new model was started meanwhile: its run is not this checkpoint's.
    if (generation !== this.#generation) throw new Error('a new model was started while the weights were loading');
    this.#restores++;
    this.history.replace(history.steps, history.evals);
    this.#latest = history.steps[history.steps.length - 1] ?? null;
    this.#latestEval = history.evals[history.evals.length - 1] ?? null;
    this.#moveTo(position);
    return position;
  }

  /** μ, log σ² and reconstruction of one test image under the current model. */
  encodeTestImage(index: number): Promise<EncodedImage> {
    return this.#request('encode-test', (requestId) => ({ type: 'encode-test', requestId, index }));
  }

  /**
   * μ, log σ² and the reconstruction of any 28×28 grey image (a drawing).
   * Bad input is refused here and never reaches the worker.
   */
  encodePixels(pixels: Float32Array): Promise<ImageEncoding> {
    const problem = pixelsProblem(pixels);
    if (problem) return Promise.reject(new Error(problem));
    const copy = pixels.slice();
    return this.#request('encode-pixels', (requestId) => ({ type: 'encode-pixels', requestId, pixels: copy }));
  }

  /** A test image's q(z|x) and, for a 2-D latent, its true posterior; `hint` is the previous grid's window. */
  probeTestImage(index: number, hint: GridWindow | null = null): Promise<ProbeResult> {
    return this.#request('probe', (requestId) => ({ type: 'probe', requestId, index, hint }));
  }

  /** The same probe for a drawing (index −1 in the answer); bad pixels are refused here, never sent. */
  probePixels(pixels: Float32Array, hint: GridWindow | null = null): Promise<ProbeResult> {
    const problem = pixelsProblem(pixels);
    if (problem) return Promise.reject(new Error(problem));
    const copy = pixels.slice();
    return this.#request('probe-pixels', (requestId) => ({ type: 'probe-pixels', requestId, pixels: copy, hint }));
  }

  /**
   * "Evaluate now": pauses training, then measures the current weights on the
   * whole test set (the test readouts update too) with an importance-weighted
   * bound of K samples per image. `onProgress` hears images done of all.
   */
  evaluate(k: number, onProgress: (done: number, total: number) => void = () => {}): Promise<TestEvaluation> {
    this.#running = false;
    let id = 0;
    const reply = this.#request('evaluate', (requestId) => {
      id = requestId;
      this.#evaluateProgress.set(requestId, onProgress);
      return { type: 'evaluate', requestId, k };
    });
    return reply.finally(() => this.#evaluateProgress.delete(id));
  }

  /** Stops an evaluation under way: its promise fails with “cancelled”. */
  cancelEvaluation(): void {
    this.#send({ type: 'cancel-evaluate' });
  }

  /**
   * A β sweep: pauses training, then trains one fresh model per β (this run's
   * settings and seed) for `epochs` epochs each; the current model stays as
   * it was. `listener` hears each finished β and the progress.
   */
  sweep(betas: number[], epochs: number, listener: SweepListener): Promise<SweepSummary> {
    this.#running = false;
    this.#sweeping = true;
    let id = 0;
    const reply = this.#request('sweep', (requestId) => {
      id = requestId;
      this.#sweepListeners.set(requestId, listener);
      return { type: 'sweep', requestId, betas: [...betas], epochs };
    });
    return reply.finally(() => {
      this.#sweepListeners.delete(id);
      this.#sweeping = this.#sweepListeners.size > 0;
    });
  }

  /** Stops a sweep under way after its current step; the βs already finished are kept. */
  cancelSweep(): void {
    this.#send({ type: 'cancel-sweep' });
  }

  #request<K extends WorkerRequest['type']>(kind: K, build: (requestId: number) => WorkerRequest): Promise<ReplyOf[K]> {
    const requestId = this.#nextRequestId++;
    return new Promise<ReplyOf[K]>((resolve, reject) => {
      const timeout = REQUEST_TIMEOUT_MS[kind];
      const timer = setTimeout(() => {
        this.#requests.delete(requestId);
        reject(new Error(`the training worker did not answer within ${timeout / 1000} s`));
      }, timeout);
      this.#requests.set(requestId, { resolve: resolve as (value: never) => void, reject, timer });
      this.#send(build(requestId));
    });
  }

  #settle(requestId: number, outcome: { value: unknown } | { error: string }): void {
    const pending = this.#requests.get(requestId);
    if (!pending) return; // timed out already
    this.#requests.delete(requestId);
    clearTimeout(pending.timer);
    if ('error' in outcome) pending.reject(new Error(outcome.error));
    else pending.resolve(outcome.value as never);
  }

  #failAllRequests(reason: string): void {
    for (const id of [...this.#requests.keys()]) this.#settle(id, { error: reason });
  }

  /** The worker moved the run to another step (rollback, restore, backend move). */
  #moveTo(position: RunPosition): void {
    this.#step = position.step;
    this.#epoch = position.epoch;
    this.#historyVersion++;
  }

  /** Number of test images (0 until the data is loaded). */
  get testCount(): number {
    return this.#testLabels.length;
  }

  dispose(): void {
    this.#worker.terminate();
    this.#failAllRequests('the page closed the training worker');
  }

  #receive(message: FromWorker): void {
    // Replies first: a request settles whatever generation it was answered in.
    switch (message.type) {
      case 'snapshot':
        return this.#settle(message.requestId, { value: message.checkpoint });
      case 'restored':
        return this.#settle(message.requestId, { value: message.position });
      case 'encoded':
        return this.#settle(message.requestId, { value: message.image });
      case 'encoded-pixels':
        return this.#settle(message.requestId, { value: message.encoding });
      case 'probed':
        markRefresh(MARK_POSTERIOR, message.result.millis);
        return this.#settle(message.requestId, { value: message.result });
      case 'evaluated':
        return this.#settle(message.requestId, { value: message.evaluation });
      case 'evaluate-progress':
        return this.#evaluateProgress.get(message.requestId)?.(message.done, message.total);
      case 'sweep-progress':
        return this.#sweepListeners.get(message.requestId)?.onProgress(message.progress);
      case 'sweep-point':
        return this.#sweepListeners.get(message.requestId)?.onPoint(message.point);
      case 'swept':
        return this.#settle(message.requestId, { value: message.summary });
      case 'request-failed':
        return this.#settle(message.requestId, { error: message.message });
    }
    if (message.generation !== this.#generation) return;
    switch (message.type) {
      case 'error':
        this.#running = false;
        this.#error = message.message;
        if (this.#status === 'loading') this.#status = 'error';
        return;
      case 'progress':
        this.#progress = { stage: message.stage, loaded: message.loaded, total: message.total };
        return;
      case 'ready':
        this.#status = 'ready';
        this.#backend = message.backend;
        this.#backendNotes = message.backendNotes;
        markBackend({ backend: message.backend, wasmThreads: message.wasmThreads });
        this.#stepsPerEpoch = message.stepsPerEpoch;
        this.#classNames = message.classNames;
        this.#testLabels = message.testLabels;
        this.#testPoints = message.testPoints ? { points: message.testPoints, labels: message.testLabels } : null;
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
        markTensorCount(last.step, message.numTensors, message.programsPerStep);
        return;
      }
      case 'eval':
        // A restored run brings its own curve; re-measuring its weights is not a new point on it.
        if (message.reason !== 'restore') this.history.evals.push(message.metrics);
        this.#latestEval = message.metrics;
        markEval(message.metrics);
        this.#latents = { means: message.means, labels: this.#testLabels, latent: message.latent };
        this.#klPerDim = message.klPerDim;
        this.#examples = message.examples;
        this.#historyVersion++;
        return;
      case 'codes': {
        const cloud = this.#latents;
        if (cloud && message.means.length === cloud.means.length) this.#latents = { ...cloud, means: message.means };
        this.#codesMillis = message.millis;
        markRefresh(MARK_CODES, message.millis);
        return;
      }
      case 'decoder':
        this.#decoder = new SnapshotDecoder(message.layers);
        if (message.checkpoint) this.#checkpointStep = message.step;
        return;
      case 'running':
        this.#running = message.running;
        return;
      case 'backend-changed':
        this.#backend = message.backend;
        this.#notice = message.message;
        this.history.rewindTo(message.position.step);
        this.#latest = this.history.steps[this.history.steps.length - 1] ?? null;
        this.#moveTo(message.position);
        return;
      case 'rolled-back':
        this.#running = false;
        this.#notice = message.message;
        this.history.rewindTo(message.position.step);
        this.#latest = this.history.steps[this.history.steps.length - 1] ?? null;
        this.#moveTo(message.position);
        return;
      default: {
        const unknown: never = message;
        console.warn('unknown message from the training worker', unknown);
      }
    }
  }
}
