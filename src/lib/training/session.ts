import * as tf from '@tensorflow/tfjs-core';
import type { PlaygroundConfig } from '../config/types';
import { PIXELS } from '../data/pack';
import type { LayerSnapshot } from '../model/vae';
import { initBackend, webglCanvas } from './backend';
import { mnistFromPacked, syntheticShapes, type TrainingData } from './dataset';
import type { FromWorker, StepMetrics, ToWorker } from './protocol';
import { Trainer, type LiveSettings, type TrainerSettings } from './trainer';
import { chooseFastestBackend } from './auto-backend';

type Outgoing = FromWorker extends infer M ? (M extends { generation: number } ? Omit<M, 'generation'> : never) : never;

/** Steps whose loss read-back may still be pending: enough to keep the GPU busy, few enough to stop fast. */
const MAX_IN_FLIGHT = 2;
const METRICS_EVERY_MS = 100;
/** The decoder goes to the page this often (it drives the latent pad and images)… */
const SNAPSHOT_EVERY_MS = 300;
/**
 * …unless reading it back is slow: on a GPU each read-back stalls the
 * pipeline, so snapshots may take at most this share of the training time.
 */
const SNAPSHOT_TIME_SHARE = 0.05;
/** The whole model is read back this often, as the rollback point; on a GPU every read-back is a sync. */
const ROLLBACK_EVERY_MS = 2000;
const RATE_WINDOW_MS = 3000;

interface InFlight {
  step: number;
  stats: tf.Tensor1D;
  read: Promise<Float32Array | Int32Array | Uint8Array>;
}

/** Yields to the worker's event loop without setTimeout's 4 ms clamp, so messages get through. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

function allFinite(layers: LayerSnapshot[]): boolean {
  for (const l of layers) {
    for (const arr of [l.weights, l.bias]) for (let i = 0; i < arr.length; i++) if (!Number.isFinite(arr[i])) return false;
  }
  return true;
}

/** The training loop behind the worker: one trainer at a time, driven by messages. */
export class TrainingSession {
  private readonly send: (message: FromWorker, transfer?: Transferable[]) => void;
  private generation = 0;
  private trainer: Trainer | null = null;
  private config: PlaygroundConfig | null = null;
  private readonly dataCache = new Map<string, TrainingData>();
  private running = false;
  private pendingSteps = 0;
  private loopDone: Promise<void> = Promise.resolve();
  private looping = false;
  /** Bumped to abandon a loop that may be stuck on a read from a lost GPU context. */
  private loopToken = 0;
  private settings: TrainerSettings | null = null;
  private inFlight: InFlight[] = [];
  private metricBuffer: StepMetrics[] = [];
  private lastMetricsAt = 0;
  private lastSnapshotAt = 0;
  private lastRollbackAt = 0;
  /** Adapts to how long a decoder read-back takes on this backend. */
  private snapshotInterval = SNAPSHOT_EVERY_MS;
  private lastGood: LayerSnapshot[] | null = null;
  private completions: number[] = [];

  constructor(send: (message: FromWorker, transfer?: Transferable[]) => void) {
    this.send = send;
  }

  private post(message: Outgoing, transfer?: Transferable[]): void {
    this.send({ ...message, generation: this.generation } as FromWorker, transfer);
  }

  async handle(message: ToWorker): Promise<void> {
    switch (message.type) {
      case 'init':
        return this.init(message.generation, message.config, message.dataUrl);
      case 'play':
        this.running = true;
        this.post({ type: 'running', running: true });
        // Not awaited: later messages (reset, snapshot, encode) must not queue behind the whole run.
        void this.startLoop();
        return;
      case 'pause':
        this.running = false;
        this.pendingSteps = 0;
        return;
      case 'step':
        this.pendingSteps += Math.max(1, Math.min(1000, Math.floor(message.count)));
        void this.startLoop();
        return;
      case 'live':
        this.setLive(message.settings);
        return;
      case 'restore':
        return this.restore(message.layers);
      case 'snapshot': {
        if (!this.trainer) throw new Error('no model to snapshot yet');
        const layers = await this.trainer.vae.snapshot('all');
        this.post({ type: 'snapshot', requestId: message.requestId, layers, step: this.trainer.step });
        return;
      }
      case 'encode-test': {
        if (!this.trainer) throw new Error('no model to encode with yet');
        const encoded = await this.trainer.encodeTestImage(message.index);
        this.post({ type: 'encoded', requestId: message.requestId, image: { index: message.index, ...encoded } });
        return;
      }
      default: {
        const unknown: never = message;
        throw new Error(`unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }

  private setLive(settings: Partial<LiveSettings>): void {
    this.trainer?.setLive(settings);
    if (this.config) this.config = { ...this.config, ...settings };
  }

  private async init(generation: number, config: PlaygroundConfig, dataUrl: string): Promise<void> {
    this.running = false;
    this.pendingSteps = 0;
    await this.loopDone;
    this.generation = generation;
    this.trainer?.dispose();
    this.trainer = null;
    this.lastGood = null;
    this.completions = [];
    this.config = config;

    const data = await this.loadData(config.data, dataUrl);
    if (generation !== this.generation) return;
    const settings: TrainerSettings = {
      arch: { inputSize: PIXELS, hidden: config.hidden, latent: config.latent, act: config.act },
      opt: config.opt,
      batch: Math.min(config.batch, data.trainCount),
      seed: config.seed,
      recon: config.recon,
      beta: config.beta,
      warmup: config.warmup,
      lr: config.lr,
    };
    this.post({ type: 'progress', stage: 'backend', loaded: 0, total: 1 });
    const { backend, notes } = config.backend === 'auto' ? await chooseFastestBackend(data, settings) : await initBackend(config.backend);
    if (generation !== this.generation) return;
    this.post({ type: 'progress', stage: 'upload', loaded: 0, total: 1 });
    this.trainer = new Trainer(data, settings);
    this.settings = settings;
    if (backend === 'webgl') this.watchContextLoss();
    this.post({
      type: 'ready',
      backend,
      backendNotes: notes,
      trainCount: data.trainCount,
      testCount: data.testCount,
      stepsPerEpoch: this.trainer.stepsPerEpoch,
      classNames: data.classNames,
      testLabels: data.testLabels,
    });
    await this.publishSnapshot();
    // The untrained model's test numbers and latent cloud: the chart's and the pad's starting point.
    await this.evaluate();
  }

  private async loadData(name: string, dataUrl: string): Promise<TrainingData> {
    const cached = this.dataCache.get(name);
    if (cached) return cached;
    const data = name === 'shapes' ? syntheticShapes() : mnistFromPacked(await this.download(dataUrl));
    this.dataCache.set(name, data);
    return data;
  }

  private async download(url: string): Promise<Uint8Array> {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`could not load the digits (${url}: HTTP ${response.status})`);
    const total = Number(response.headers.get('content-length')) || 0;
    if (!response.body) return new Uint8Array(await response.arrayBuffer());
    const reader = response.body.getReader();
    const parts: Uint8Array[] = [];
    let loaded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      loaded += value.length;
      this.post({ type: 'progress', stage: 'download', loaded, total });
    }
    const bytes = new Uint8Array(loaded);
    let offset = 0;
    for (const p of parts) {
      bytes.set(p, offset);
      offset += p.length;
    }
    return bytes;
  }

  private async restore(layers: LayerSnapshot[]): Promise<void> {
    if (!this.trainer) throw new Error('no model to load weights into');
    this.trainer.vae.restore(layers);
    this.trainer.resetOptimizer();
    await this.publishSnapshot();
    // Loaded weights: refresh the test numbers and latent cloud so they describe this model.
    await this.evaluate();
  }

  /**
   * After a WebGL context loss tfjs never settles its pending reads (it hangs
   * rather than throwing), so listen for the loss, abandon the loop and carry
   * on with wasm from the last finite snapshot.
   */
  private watchContextLoss(): void {
    const canvas = webglCanvas();
    if (!canvas) return;
    const generation = this.generation;
    canvas.addEventListener(
      'webglcontextlost',
      (event) => {
        event.preventDefault();
        void this.moveOffLostContext(generation);
      },
      { once: true },
    );
  }

  private async moveOffLostContext(generation: number): Promise<void> {
    if (generation !== this.generation || !this.config || !this.settings) return;
    const wasRunning = this.running;
    const step = this.trainer?.step ?? 0;
    const weights = this.lastGood;
    this.running = false;
    this.pendingSteps = 0;
    this.inFlight = [];
    this.loopToken++;
    this.looping = false;
    this.loopDone = Promise.resolve();
    // Its tensors died with the context; nothing to dispose.
    this.trainer = null;
    const { backend } = await initBackend('wasm');
    const data = this.dataCache.get(this.config.data);
    if (!data || generation !== this.generation) return;
    const trainer = new Trainer(data, this.settings);
    if (weights) {
      trainer.vae.restore(weights);
      trainer.resumeAt(step);
    }
    this.trainer = trainer;
    this.post({
      type: 'backend-changed',
      backend,
      message: weights
        ? `The GPU context was lost, so training moved to ${backend} and carries on from the last snapshot (step ${step}).`
        : `The GPU context was lost before any snapshot, so training restarted on ${backend}.`,
    });
    await this.publishSnapshot();
    if (wasRunning) {
      this.running = true;
      this.post({ type: 'running', running: true });
      void this.startLoop();
    }
  }

  private startLoop(): Promise<void> {
    if (!this.looping) {
      this.looping = true;
      this.loopDone = this.loop().finally(() => {
        this.looping = false;
      });
    }
    return this.loopDone;
  }

  private async loop(): Promise<void> {
    const generation = this.generation;
    const token = this.loopToken;
    try {
      while ((this.running || this.pendingSteps > 0) && this.trainer && generation === this.generation && token === this.loopToken) {
        const trainer = this.trainer;
        const epochBefore = trainer.epoch;
        const stats = trainer.trainStep();
        this.inFlight.push({ step: trainer.step, stats, read: stats.data() });
        if (this.pendingSteps > 0) this.pendingSteps--;
        while (this.inFlight.length > MAX_IN_FLIGHT) await this.settleOldest();
        if (trainer.epoch !== epochBefore && this.running) {
          await this.drain();
          await this.evaluate();
        }
        if (performance.now() - this.lastSnapshotAt > this.snapshotInterval) await this.publishSnapshot(false);
        await nextTask();
      }
      if (token !== this.loopToken) return; // abandoned: a newer loop owns the state now
      await this.drain();
      this.flushMetrics();
      await this.publishSnapshot();
    } catch (error) {
      if (token !== this.loopToken) return;
      this.running = false;
      this.post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    } finally {
      if (token === this.loopToken) this.post({ type: 'running', running: false });
    }
  }

  private async drain(): Promise<void> {
    while (this.inFlight.length > 0) await this.settleOldest();
  }

  private async settleOldest(): Promise<void> {
    const oldest = this.inFlight.shift()!;
    const values = await oldest.read;
    oldest.stats.dispose();
    const [recon, kl, beta] = values;
    const total = recon + beta * kl;
    if (!Number.isFinite(total)) {
      await this.recoverFromBlowUp(oldest.step, recon, kl);
      return;
    }
    const now = performance.now();
    this.completions.push(now);
    while (this.completions.length > 2 && now - this.completions[0] > RATE_WINDOW_MS) this.completions.shift();
    this.metricBuffer.push({ step: oldest.step, recon, kl, beta, total });
    if (now - this.lastMetricsAt > METRICS_EVERY_MS) this.flushMetrics();
  }

  private samplesPerSecond(): number {
    const n = this.completions.length;
    if (n < 2 || !this.trainer) return 0;
    const seconds = (this.completions[n - 1] - this.completions[0]) / 1000;
    return seconds > 0 ? ((n - 1) * this.trainer.batch) / seconds : 0;
  }

  private flushMetrics(): void {
    this.lastMetricsAt = performance.now();
    if (this.metricBuffer.length === 0 || !this.trainer) return;
    // Loss tensors still waiting to be read back are not leaks; leave them out so the count is steady.
    const numTensors = tf.memory().numTensors - this.inFlight.length;
    this.post({ type: 'metrics', steps: this.metricBuffer, epoch: this.trainer.epoch, samplesPerSecond: this.samplesPerSecond(), numTensors });
    this.metricBuffer = [];
  }

  /** A non-finite loss: stop, drop the poisoned weights and optimizer state, go back to the last good snapshot. */
  private async recoverFromBlowUp(step: number, recon: number, kl: number): Promise<void> {
    this.running = false;
    this.pendingSteps = 0;
    for (const pending of this.inFlight) pending.stats.dispose();
    this.inFlight = [];
    this.flushMetrics();
    const which = !Number.isFinite(recon) ? 'reconstruction' : !Number.isFinite(kl) ? 'KL' : 'total';
    let restored = false;
    if (this.trainer && this.lastGood) {
      this.trainer.vae.restore(this.lastGood);
      restored = true;
    }
    this.trainer?.resetOptimizer();
    this.post({
      type: 'diverged',
      step,
      message:
        `Training paused: the ${which} loss became non-finite at step ${step}. ` +
        (restored ? 'The weights were rolled back to the last good snapshot. ' : '') +
        'Try a smaller learning rate (for example 0.001), a smaller β, or the Adam optimizer.',
    });
    await this.publishSnapshot();
  }

  private async evaluate(): Promise<void> {
    const trainer = this.trainer;
    if (!trainer) return;
    const result = await trainer.evaluate();
    const indices = trainer.exampleIndices();
    const { originals, reconstructions } = await trainer.reconstructExamples(indices);
    const labels = Array.from(indices, (i) => this.testLabelsOf(i));
    const latent = trainer.vae.arch.latent;
    this.post(
      {
        type: 'eval',
        metrics: { epoch: trainer.epoch, step: trainer.step, recon: result.recon, kl: result.kl, negElbo: result.recon + result.kl },
        means: result.means,
        latent,
        examples: { labels, originals, reconstructions },
      },
      [result.means.buffer, originals.buffer, reconstructions.buffer],
    );
  }

  private testLabelsOf(index: number): number {
    const data = this.config ? this.dataCache.get(this.config.data) : undefined;
    return data ? data.testLabels[index] : -1;
  }

  /**
   * Sends the decoder's weights to the page. Every ROLLBACK_EVERY_MS (or when
   * `full`) it reads the whole model instead and, if finite, keeps it as the
   * point to roll back to after a blow-up or a lost GPU context.
   */
  private async publishSnapshot(full = true): Promise<void> {
    const trainer = this.trainer;
    if (!trainer) return;
    const now = performance.now();
    this.lastSnapshotAt = now;
    const whole = full || now - this.lastRollbackAt > ROLLBACK_EVERY_MS;
    const generation = this.generation;
    const layers = await trainer.vae.snapshot(whole ? 'all' : 'decoder');
    if (!whole) this.snapshotInterval = Math.max(SNAPSHOT_EVERY_MS, (performance.now() - now) / SNAPSHOT_TIME_SHARE);
    if (generation !== this.generation || !allFinite(layers)) return;
    if (whole) {
      this.lastGood = layers;
      this.lastRollbackAt = now;
    }
    // Copies: a backend may hand out its own storage, which must not be transferred away.
    const decoder = (whole ? layers.slice(trainer.vae.encoder.length) : layers).map((l) => ({ ...l, weights: l.weights.slice(), bias: l.bias.slice() }));
    this.post({ type: 'decoder', step: trainer.step, layers: decoder }, decoder.flatMap((l) => [l.weights.buffer, l.bias.buffer]));
  }
}
