import * as tf from '@tensorflow/tfjs-core';
import { LossReads } from './loss-reads';
import { TimeShare } from './time-share';
import type { BackendChoice, PlaygroundConfig } from '../config/types';
import { readableNumber } from '../format/number';
import type { LayerSnapshot, LayerStack } from '../model/vae';
import type { Checkpoint } from './checkpoint';
import type { DownloadProgress } from './data-loader';
import type { TrainingData } from './dataset';
import { MetricsBuffer } from './metrics-buffer';
import type { EvalMetrics, FromWorker, RunPosition, ToWorker, WorkerRequest } from './protocol';
import { RunawayDetector, type RunawayVerdict } from './runaway';
import { PIXELS } from '../data/pack';
import { isPointSet } from '../data/points2d';
import { Trainer, type LiveSettings, type TrainerSettings } from './trainer';
import { probeImage, probeTestImage } from './test-posterior';
import { testSetIwae } from './test-iwae';
import { runSweep } from './sweep';
import { sweepRequestProblem } from '../sweep/beta-list';
import { ProgramsPerStep } from '../perf/gpu-programs';
import { wasmThreadsInUse } from './wasm-threads';

type Outgoing = FromWorker extends infer M ? (M extends { generation: number } ? Omit<M, 'generation'> : never) : never;

/** What the session needs from its surroundings; the worker gives the real ones, tests give cpu and small data. */
export interface SessionDeps {
  send(message: FromWorker, transfer?: Transferable[]): void;
  /** `seed` is the run's: the 2-D point sets are drawn from it. */
  loadData(name: string, dataUrl: string, progress: DownloadProgress, seed: number): Promise<TrainingData>;
  /** Starts the configured backend; `auto` may time a few steps of this model. */
  startBackend(choice: BackendChoice, data: TrainingData, settings: TrainerSettings): Promise<{ backend: string; notes: string[] }>;
  /** Starts the backend to carry on with after the current one's device was lost. */
  fallbackBackend(): Promise<string>;
  /** Calls `lost` once if the active backend loses its device (a WebGL context loss). */
  watchBackend(backend: string, lost: () => void): void;
  /**
   * After a failed read: resolves once a device loss under way has reached `lost` (WebGPU
   * rejects pending reads just before it reports the loss). Absent: nothing to wait for.
   */
  lossReported?(): Promise<void>;
  /** Yields to the event loop between steps, so messages get through. */
  nextTask(): Promise<void>;
  /**
   * Loads what the backend left out of its start (tfjs's wasm kernels beyond
   * the first steps'). Started once the first steps' numbers are out, and
   * awaited before anything but training. Absent: nothing left out.
   */
  completeKernels?(): Promise<void>;
  /** Sees each message handled and each step run (tests check the ordering with it). */
  trace?(event: { kind: 'handled'; message: ToWorker } | { kind: 'step'; step: number }): void;
}

/** Loss read-backs that may still be pending: enough to keep the GPU busy, few enough to stop fast. */
const MAX_IN_FLIGHT = 2;
/** Steps per loss read-back on a GPU backend (each read is a fence and a download there). */
const GPU_READ_BATCH = 8;
const GPU_BACKENDS = new Set(['webgl', 'webgpu']);
/** How long a new model's step-0 measurement waits for a play before it starts anyway. */
const START_EVAL_GRACE_MS = 300;
/** Messages that only start, stop or tune training: they need not wait for the step-0 measurement. */
const ONLY_TRAINING = new Set<Task['type']>(['play', 'pause', 'step', 'live']);
const METRICS_EVERY_MS = 100;
/** The decoder goes to the page this often (it drives the latent pad and images)… */
const SNAPSHOT_EVERY_MS = 300;
/** …unless reading it back is slow: on a GPU each read-back stalls the pipeline, so snapshots may take at most this share of the time. */
const SNAPSHOT_TIME_SHARE = 0.05;
/** A whole checkpoint (weights and optimizer state) is read this often as a point to roll back to (or less often, like snapshots, when reading it is slow). */
const CHECKPOINT_EVERY_MS = 2000;
/** Checkpoints kept: a runaway may have begun before the newest one. */
const CHECKPOINTS_KEPT = 3;
/** While training, the test codes on the pad are refreshed this often (encoder only). */
const CODES_EVERY_MS = 1000;
/** …unless encoding them is slow (a software GPU): then they may take at most this share of the time. */
const CODES_TIME_SHARE = 0.1;

type Task = ToWorker | { type: 'backend-lost' };

/** Messages that carry a request's id on its way, before its one reply. */
const NOT_REPLIES = new Set<FromWorker['type']>(['evaluate-progress', 'sweep-progress', 'sweep-point']);

/** Thrown inside a driver that a newer one replaced (its device was lost): it stops without touching anything. */
class Abandoned extends Error {}

function allFinite(layers: LayerSnapshot[]): boolean {
  for (const l of layers) {
    for (const arr of [l.weights, l.bias]) for (let i = 0; i < arr.length; i++) if (!Number.isFinite(arr[i])) return false;
  }
  return true;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}


/**
 * The training engine behind the worker. One driver at a time takes the
 * messages in order and runs training steps between them (see protocol.ts for
 * what that guarantees). The step count is a fact about the weights: every
 * checkpoint carries the step it was read at, and anything that puts other
 * weights in place (rollback, restore, a backend move) puts their step with them.
 */
export class TrainingSession {
  readonly #deps: SessionDeps;
  #generation = 0;
  #config: PlaygroundConfig | null = null;
  /** The live settings in force: every trainer built or rebuilt uses these. */
  #live: LiveSettings | null = null;
  #settings: TrainerSettings | null = null;
  readonly #dataCache = new Map<string, TrainingData>();
  #trainer: Trainer | null = null;
  #running = false;
  #pendingSteps = 0;

  readonly #inbox: Task[] = [];
  #driving = false;
  /** Bumped to abandon a driver stuck on a read from a lost device. */
  #driverToken = 0;
  #current: Task | null = null;
  /** Whether the message being handled has already posted its reply (then it must not run again). */
  #currentReplied = false;
  #idleWaiters: (() => void)[] = [];

  #losses = new LossReads(() => (GPU_BACKENDS.has(tf.getBackend()) ? GPU_READ_BATCH : 1));
  #trainedSinceIdle = false;
  readonly #metrics = new MetricsBuffer();
  #lastMetricsAt = 0;
  /** The step-0 measurement of a new model, while it runs beside the first steps. */
  #startEvaluation: Promise<void> | null = null;
  /** The frozen step-0 weights of a new model until their measurement starts. */
  #startEvalDue: (LayerStack & { dispose(): void }) | null = null;
  #startEvalAfter = 0;
  readonly #codes = new TimeShare(CODES_EVERY_MS, CODES_TIME_SHARE);
  readonly #snapshots = new TimeShare(SNAPSHOT_EVERY_MS, SNAPSHOT_TIME_SHARE);
  readonly #wholeCheckpoints = new TimeShare(CHECKPOINT_EVERY_MS, SNAPSHOT_TIME_SHARE);
  /** Checkpoints with finite weights, oldest first; a rollback picks the newest one from before the trouble began. */
  #checkpoints: Checkpoint[] = [];
  readonly #runaway = new RunawayDetector();
  /** GPU programs per step, for the benchmark (null off the GPU). */
  readonly #programs = new ProgramsPerStep();

  constructor(deps: SessionDeps) {
    this.#deps = deps;
  }

  /** Takes a message; it is handled after every message sent before it. */
  receive(message: ToWorker): void {
    this.#inbox.push(message);
    this.#kick();
  }

  /** The active backend's device is gone: abandon whatever waits on it and carry on from the last checkpoint. */
  backendLost(): void {
    this.#driverToken++;
    this.#driving = false;
    // A message cut off mid-way runs again on the new trainer, so its reply still comes
    // (an interrupted move off a lost backend is replaced by the one queued here).
    if (this.#current && this.#current.type !== 'backend-lost' && !this.#currentReplied) this.#inbox.unshift(this.#current);
    this.#current = null;
    this.#inbox.unshift({ type: 'backend-lost' });
    this.#kick();
  }

  /** Resolves once every message so far is handled and no training is going on. */
  idle(): Promise<void> {
    if (!this.#driving) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** For tests: the state the invariants are about. */
  get inspect(): { running: boolean; step: number | null; live: LiveSettings | null; trainerLive: LiveSettings | null; generation: number } {
    return {
      running: this.#running,
      step: this.#trainer?.step ?? null,
      live: this.#live,
      trainerLive: this.#trainer?.liveSettings ?? null,
      generation: this.#generation,
    };
  }

  dispose(): void {
    this.#driverToken++;
    this.#inbox.length = 0;
    this.#disposeInFlight();
    this.#dropStartEvaluation();
    this.#trainer?.dispose();
    this.#trainer = null;
    this.#checkpoints = [];
  }

  #post(message: Outgoing, transfer?: Transferable[]): void {
    const current = this.#current;
    // Progress is not the reply: the request still runs again after a lost device.
    if ('requestId' in message && !NOT_REPLIES.has(message.type) && current && 'requestId' in current && current.requestId === message.requestId) this.#currentReplied = true;
    this.#deps.send({ ...message, generation: this.#generation } as FromWorker, transfer);
  }

  #kick(): void {
    if (this.#driving) return;
    this.#driving = true;
    void this.#drive(this.#driverToken);
  }

  /**
   * Waits for a promise, then stops this driver if a newer one took over
   * meanwhile. Every await in the driver goes through here or #checkCurrent,
   * so an abandoned driver never touches state again.
   */
  async #wait<T>(promise: Promise<T>, token: number): Promise<T> {
    try {
      return await promise;
    } catch (error) {
      // A read failed by a lost device is the move's to handle, not an error of the run.
      await this.#deps.lossReported?.();
      throw error;
    } finally {
      // Also on failure: an abandoned driver reports nothing.
      this.#checkCurrent(token);
    }
  }

  #checkCurrent(token: number): void {
    if (token !== this.#driverToken) throw new Abandoned();
  }

  async #drive(token: number): Promise<void> {
    try {
      for (;;) {
        this.#checkCurrent(token);
        const task = this.#inbox.shift();
        if (task) {
          await this.#handleTask(task, token);
        } else if (this.#trainer && (this.#running || this.#pendingSteps > 0)) {
          await this.#trainOnce(this.#trainer, token);
        } else if (this.#trainedSinceIdle) {
          await this.#settleIdle(token);
        } else if (this.#startEvalDue && performance.now() >= this.#startEvalAfter) {
          // In the background: a play arriving meanwhile need not wait for it.
          this.#launchStartEvaluation(token);
        } else {
          // Due but not yet: a play that follows the page's readiness at once runs its first step
          // before the measurement fills the device's queue.
          if (this.#startEvalDue) setTimeout(() => this.#kick(), this.#startEvalAfter - performance.now());
          break;
        }
      }
    } catch (error) {
      if (error instanceof Abandoned) return;
      this.#stopWithError(error);
    }
    if (token !== this.#driverToken) return;
    this.#driving = false;
    if (this.#inbox.length > 0) return this.#kick();
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  async #handleTask(task: Task, token: number): Promise<void> {
    this.#current = task;
    this.#currentReplied = false;
    try {
      // Loss read-backs still pending belong to the weights as they are now: check them first
      // (not after a lost device: those reads never settle).
      if (task.type !== 'backend-lost') await this.#drainInFlight(token);
      // The step-0 measurement reaches the page before anything but training moves on.
      if (!ONLY_TRAINING.has(task.type) && task.type !== 'init') {
        await this.#settleStartEvaluation(token);
        await this.#wait(this.#completeKernels(), token);
      }
      await this.#handle(task, token);
      if (task.type !== 'backend-lost') this.#deps.trace?.({ kind: 'handled', message: task });
    } catch (error) {
      this.#checkCurrent(token);
      if (error instanceof Abandoned) throw error;
      if ('requestId' in task) this.#post({ type: 'request-failed', requestId: task.requestId, message: errorText(error) });
      else this.#stopWithError(error);
    } finally {
      if (token === this.#driverToken) this.#current = null;
    }
  }

  #stopWithError(error: unknown): void {
    this.#running = false;
    this.#pendingSteps = 0;
    this.#post({ type: 'error', message: errorText(error) });
    this.#post({ type: 'running', running: false });
  }

  async #handle(task: Task, token: number): Promise<void> {
    switch (task.type) {
      case 'init':
        return this.#init(task.generation, task.config, task.dataUrl, token);
      case 'play':
        if (!this.#running) this.#metrics.resetRate();
        this.#running = true;
        this.#post({ type: 'running', running: true });
        return;
      case 'pause':
        this.#running = false;
        this.#pendingSteps = 0;
        this.#post({ type: 'running', running: false });
        return;
      case 'step':
        this.#pendingSteps += Math.max(1, Math.min(1000, Math.floor(task.count) || 1));
        return;
      case 'live':
        return this.#setLive(task.settings);
      case 'restore':
        return this.#restore(task, token);
      case 'snapshot':
        return this.#answerSnapshot(task, token);
      case 'encode-test': {
        const trainer = this.#requireTrainer('encode an image');
        const encoded = await this.#wait(trainer.encodeTestImage(task.index), token);
        this.#post({ type: 'encoded', requestId: task.requestId, image: { index: task.index, ...encoded } });
        return;
      }
      case 'encode-pixels': {
        const trainer = this.#requireTrainer('encode an image');
        const encoding = await this.#wait(trainer.encodePixels(task.pixels), token);
        this.#post({ type: 'encoded-pixels', requestId: task.requestId, encoding });
        return;
      }
      case 'probe': {
        const result = await this.#wait(probeTestImage(this.#requireTrainer('probe an image'), task.index, task.hint), token);
        this.#post({ type: 'probed', requestId: task.requestId, result });
        return;
      }
      case 'probe-pixels': {
        const result = await this.#wait(probeImage(this.#requireTrainer('probe an image'), { pixels: task.pixels }, task.hint), token);
        this.#post({ type: 'probed', requestId: task.requestId, result });
        return;
      }
      case 'evaluate':
        return this.#evaluateNow(task, token);
      case 'custom-data':
        this.#dataCache.set(task.data.name, task.data); // `custom` or `custom-points`: the page sends an init right after, which builds the model on it
        return;
      case 'cancel-evaluate':
        return; // an evaluation under way sees it waiting and stops; otherwise there is nothing to stop
      case 'sweep':
        return this.#sweep(task, token);
      case 'cancel-sweep':
        return; // likewise for a sweep
      case 'backend-lost':
        return this.#moveOffLostBackend(token);
      default: {
        const unknown: never = task;
        throw new Error(`unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }

  #requireTrainer(what: string): Trainer {
    if (!this.#trainer) throw new Error(`there is no model to ${what} yet`);
    return this.#trainer;
  }

  #setLive(settings: LiveSettings): void {
    if (this.#live && settings.recon !== this.#live.recon) this.#runaway.reset(); // another loss, another scale
    this.#live = { ...settings };
    this.#trainer?.setLive(this.#live);
  }

  #trainerSettings(): TrainerSettings {
    if (!this.#settings || !this.#live) throw new Error('no model has been configured');
    return { ...this.#settings, ...this.#live };
  }

  async #init(generation: number, config: PlaygroundConfig, dataUrl: string, token: number): Promise<void> {
    this.#running = false;
    this.#pendingSteps = 0;
    this.#generation = generation;
    this.#disposeInFlight();
    this.#dropStartEvaluation();
    this.#trainer?.dispose();
    this.#trainer = null;
    this.#settings = null;
    this.#checkpoints = [];
    this.#runaway.reset();
    this.#metrics.take();
    this.#metrics.resetRate();
    this.#trainedSinceIdle = false;
    this.#config = config;
    this.#live = { recon: config.recon, beta: config.beta, warmup: config.warmup, lr: config.lr };

    const data = await this.#loadData(config, dataUrl, token);
    this.#settings = {
      arch: { inputSize: data.features, hidden: config.hidden, latent: config.latent, act: config.act },
      opt: config.opt,
      batch: Math.min(config.batch, data.trainCount),
      seed: config.seed,
      ...this.#live,
    };
    this.#post({ type: 'progress', stage: 'backend', loaded: 0, total: 1 });
    const { backend, notes } = await this.#wait(this.#deps.startBackend(config.backend, data, this.#trainerSettings()), token);
    this.#post({ type: 'progress', stage: 'upload', loaded: 0, total: 1 });
    const trainer = new Trainer(data, this.#trainerSettings());
    this.#trainer = trainer;
    this.#deps.watchBackend(backend, () => this.backendLost());
    this.#post({
      type: 'ready',
      backend,
      backendNotes: notes,
      wasmThreads: wasmThreadsInUse(),
      trainCount: data.trainCount,
      testCount: data.testCount,
      stepsPerEpoch: trainer.stepsPerEpoch,
      classNames: data.classNames,
      testLabels: data.testLabels,
      features: data.features,
      testPoints: data.features === PIXELS ? null : data.testImages.slice(),
    });
    // Step 0 is the first checkpoint: a run that explodes at once goes back to its start.
    await this.#publishSnapshot(token, true);
    // The untrained model's test numbers and latent cloud (the chart's and the pad's starting point)
    // are measured on a frozen copy of the step-0 weights: right away when nothing else is asked
    // for, or just after the first step when play comes at once, so training starts without waiting
    // for a pass over the test set (on a software GPU, most of a cold start).
    this.#dropStartEvaluation();
    this.#startEvalDue = trainer.vae.frozenCopy();
    this.#startEvalAfter = performance.now() + START_EVAL_GRACE_MS;
  }

  /** A step-0 measurement not yet begun is dropped (a new model, a lost device). */
  #dropStartEvaluation(): void {
    try {
      this.#startEvalDue?.dispose();
    } catch {
      // Tensors of a lost GPU context may refuse; they are gone either way.
    }
    this.#startEvalDue = null;
  }

  /** Starts the step-0 measurement if it is due; the page hears of it as an 'eval' at step 0. */
  #launchStartEvaluation(token: number): void {
    const frozen = this.#startEvalDue;
    if (!frozen) return;
    this.#startEvalDue = null;
    if (!this.#trainer) {
      frozen.dispose();
      return;
    }
    const trainer = this.#trainer;
    const measured = this.#evaluate(token, 'start', frozen)
      .then(() => undefined)
      .catch((error) => {
        // A device lost or a model replaced meanwhile explains the failure; the new one measures itself.
        if (!(error instanceof Abandoned) && this.#trainer === trainer) console.warn(`the untrained model's test numbers could not be measured: ${error instanceof Error ? error.message : error}`);
      })
      .finally(() => {
        frozen.dispose();
        if (this.#startEvaluation === measured) this.#startEvaluation = null;
      });
    this.#startEvaluation = measured;
  }

  /** Runs (or finishes) the step-0 measurement before anything that must come after it. */
  async #settleStartEvaluation(token: number): Promise<void> {
    this.#launchStartEvaluation(token);
    if (this.#startEvaluation) await this.#wait(this.#startEvaluation, token);
  }

  async #loadData(config: PlaygroundConfig, dataUrl: string, token: number): Promise<TrainingData> {
    const key = dataKey(config);
    const cached = this.#dataCache.get(key);
    if (cached) return cached;
    const data = await this.#wait(
      this.#deps.loadData(config.data, dataUrl, (loaded, total) => this.#post({ type: 'progress', stage: 'download', loaded, total }), config.seed),
      token,
    );
    // One seed's points at a time: another seed's set is dropped, not kept beside it.
    for (const old of this.#dataCache.keys()) if (old.startsWith(`${config.data}@`)) this.#dataCache.delete(old);
    this.#dataCache.set(key, data);
    return data;
  }

  #data(): TrainingData {
    const data = this.#config ? this.#dataCache.get(dataKey(this.#config)) : undefined;
    if (!data) throw new Error('the training data is not loaded');
    return data;
  }

  #position(trainer: Trainer): RunPosition {
    return { step: trainer.step, epoch: trainer.epoch };
  }

  async #restore(task: Extract<ToWorker, { type: 'restore' }>, token: number): Promise<void> {
    const trainer = this.#requireTrainer('load weights into');
    // Steps of the replaced weights reach the page before the move does.
    this.#flushMetrics();
    await this.#wait(trainer.restore(task.checkpoint), token);
    // The restored weights are now the run's only checkpoint (a lost device goes back here, not to step 0).
    this.#checkpoints = [task.checkpoint];
    this.#runaway.reset();
    this.#post({ type: 'restored', requestId: task.requestId, position: this.#position(trainer) });
    await this.#publishSnapshot(token, true);
    // Loaded weights: refresh the test numbers and latent cloud so they describe this model.
    await this.#evaluate(token, 'restore');
  }

  async #answerSnapshot(task: Extract<WorkerRequest, { type: 'snapshot' }>, token: number): Promise<void> {
    const trainer = this.#requireTrainer('save');
    // One read at one step: no step runs until this message is done.
    const checkpoint = await this.#wait(trainer.checkpoint(), token);
    if (!task.withOptimizer) checkpoint.optimizer = null;
    const buffers = checkpoint.layers.flatMap((l) => [l.weights.buffer, l.bias.buffer]);
    if (checkpoint.optimizer) buffers.push(...checkpoint.optimizer.slots.map((s) => s.buffer));
    this.#post({ type: 'snapshot', requestId: task.requestId, checkpoint }, buffers as ArrayBuffer[]);
  }

  /**
   * After a lost WebGL context tfjs never settles its pending reads (it hangs
   * rather than throwing), so the old driver is abandoned and training goes on
   * with the fallback backend from the last checkpoint, at that checkpoint's step.
   */
  async #moveOffLostBackend(token: number): Promise<void> {
    // Lost while a model was being built: the init queued again builds it on a working backend.
    if (!this.#settings) return;
    const wasRunning = this.#running;
    this.#running = false;
    this.#disposeInFlight();
    this.#dropStartEvaluation();
    this.#flushMetrics();
    try {
      this.#trainer?.dispose();
    } catch {
      // Its tensors may have died with the context.
    }
    this.#trainer = null;
    const backend = await this.#wait(this.#deps.fallbackBackend(), token);
    const trainer = new Trainer(this.#data(), this.#trainerSettings());
    const checkpoint = this.#checkpoints[this.#checkpoints.length - 1];
    if (checkpoint) await this.#wait(trainer.restore(checkpoint), token);
    this.#trainer = trainer;
    this.#runaway.reset();
    this.#post({
      type: 'backend-changed',
      backend,
      position: this.#position(trainer),
      message: checkpoint
        ? `The GPU context was lost, so training moved to ${backend} and carries on from the last checkpoint (step ${checkpoint.step}).`
        : `The GPU context was lost before any checkpoint, so training restarted on ${backend}.`,
    });
    await this.#publishSnapshot(token, true);
    this.#running = wasRunning;
    if (wasRunning) this.#post({ type: 'running', running: true });
  }

  async #trainOnce(trainer: Trainer, token: number): Promise<void> {
    const epochBefore = trainer.epoch;
    const stats = this.#programs.around(() => trainer.trainStep());
    this.#trainedSinceIdle = true;
    this.#losses.push(trainer.step, stats);
    if (this.#startEvalDue) {
      // The first step is shown first; the step-0 measurement then runs beside the next ones.
      await this.#drainInFlight(token);
      this.#flushMetrics();
      this.#launchStartEvaluation(token);
    }
    this.#deps.trace?.({ kind: 'step', step: trainer.step });
    if (this.#pendingSteps > 0) this.#pendingSteps--;
    while (this.#losses.inFlight > MAX_IN_FLIGHT) await this.#settleOldest(token);
    if (trainer.epoch !== epochBefore && this.#running) {
      await this.#drainInFlight(token);
      if (this.#trainer === trainer && this.#running) await this.#evaluate(token, 'epoch');
    }
    if (this.#snapshots.due()) await this.#publishSnapshot(token, false);
    if (this.#running && this.#trainer === trainer && this.#codes.due()) await this.#publishCodes(trainer, token);
    await this.#wait(this.#deps.nextTask(), token);
  }

  /** Training stopped (pause, steps done, rollback): every number and the weights reach the page. */
  async #settleIdle(token: number): Promise<void> {
    this.#trainedSinceIdle = false;
    await this.#drainInFlight(token);
    this.#flushMetrics();
    await this.#publishSnapshot(token, true);
    this.#metrics.resetRate();
  }

  async #drainInFlight(token: number): Promise<void> {
    this.#losses.flush();
    while (this.#losses.inFlight > 0) await this.#settleOldest(token);
    this.#checkCurrent(token);
  }

  #disposeInFlight(): void {
    this.#losses.dispose();
  }

  async #settleOldest(token: number): Promise<void> {
    const oldest = this.#losses.oldest()!;
    let values: ArrayLike<number>;
    try {
      values = await this.#wait(oldest.read, token);
    } catch (error) {
      // A failed read leaves the queue (or every later message would fail on it too); after a lost
      // device the entry stays for the move to dispose.
      if (!(error instanceof Abandoned)) this.#losses.dropOldest();
      throw error;
    }
    this.#losses.dropOldest();
    for (let i = 0; i < oldest.steps.length; i++) {
      const step = oldest.steps[i];
      const [recon, kl, beta] = [values[3 * i], values[3 * i + 1], values[3 * i + 2]];
      const verdict = this.#runaway.observe(step, recon + kl);
      if (verdict) return this.#rollBack(step, recon, kl, verdict, token);
      const now = performance.now();
      this.#metrics.push({ step, recon, kl, beta, total: recon + beta * kl }, now);
      if (now - this.#lastMetricsAt > METRICS_EVERY_MS) this.#flushMetrics();
    }
  }

  #flushMetrics(): void {
    this.#lastMetricsAt = performance.now();
    const trainer = this.#trainer;
    if (this.#metrics.size === 0 || !trainer) return;
    // Loss tensors still waiting to be read back are not leaks; leave them out so the count is steady.
    const numTensors = tf.memory().numTensors - this.#losses.heldTensors;
    const steps = this.#metrics.take();
    this.#post({ type: 'metrics', steps, epoch: trainer.epoch, samplesPerSecond: this.#metrics.samplesPerSecond(trainer.batch), numTensors, programsPerStep: this.#programs.perStep() });
    // The first steps' numbers are out: the code they did not need may load now.
    this.#completeKernels().catch(() => {});
  }

  #completeKernels(): Promise<void> {
    return this.#deps.completeKernels?.() ?? Promise.resolve();
  }

  /**
   * The loss blew up (non-finite, or far above its recent typical value): stop,
   * and go back to the newest checkpoint from before the excursion began —
   * weights, optimizer state and step together.
   */
  async #rollBack(step: number, recon: number, kl: number, verdict: RunawayVerdict, token: number): Promise<void> {
    const trainer = this.#requireTrainer('roll back');
    this.#running = false;
    this.#pendingSteps = 0;
    this.#disposeInFlight();
    this.#flushMetrics();
    // The loss reported for step s is that of the weights after step s − 1, so the weights of step
    // onset − 1 already gave a bad loss: the newest trustworthy checkpoint is older than that.
    const before = this.#checkpoints.filter((c) => c.step < verdict.onset - 1);
    const target = before[before.length - 1] ?? this.#checkpoints[0];
    // Later checkpoints may already carry the excursion's weights.
    this.#checkpoints = target ? this.#checkpoints.filter((c) => c.step <= target.step) : [];
    if (target) await this.#wait(trainer.restore(target), token);
    this.#runaway.reset();
    this.#metrics.resetRate();
    this.#trainedSinceIdle = false;
    const what = !Number.isFinite(recon) ? 'the reconstruction loss became non-finite' : !Number.isFinite(kl) ? 'the KL term became non-finite' : `−ELBO jumped to ${readableNumber(verdict.value, 1)} (typical recently: ${readableNumber(verdict.typical, 1)})`;
    this.#post({
      type: 'rolled-back',
      position: this.#position(trainer),
      message:
        `Training paused: at step ${step} ${what}. ` +
        (target ? `The weights and optimizer state went back to step ${target.step}, the last checkpoint before it started. ` : '') +
        'Try a smaller learning rate (for example 0.001), a smaller β, or the Adam optimizer.',
    });
    this.#post({ type: 'running', running: false });
    await this.#publishSnapshot(token, false);
  }

  /** The live scatter: every test image's μ under the current encoder. */
  async #publishCodes(trainer: Trainer, token: number): Promise<void> {
    const start = performance.now();
    this.#codes.began(start);
    const means = await this.#wait(trainer.testMeans(), token);
    const millis = performance.now() - start;
    this.#codes.ended(start);
    this.#post({ type: 'codes', means, step: trainer.step, millis }, [means.buffer]);
  }

  /**
   * "Evaluate now": training pauses first, so the weights measured are the ones
   * a model file downloaded afterwards holds. Between chunks the driver yields,
   * so messages arrive (and wait their turn) and progress goes out; a waiting
   * cancel or new model stops it.
   */
  async #evaluateNow(task: Extract<ToWorker, { type: 'evaluate' }>, token: number): Promise<void> {
    const trainer = this.#requireTrainer('evaluate');
    if (this.#running || this.#pendingSteps > 0) {
      this.#running = false;
      this.#pendingSteps = 0;
      this.#post({ type: 'running', running: false });
    }
    this.#flushMetrics();
    const metrics = await this.#evaluate(token, 'manual');
    const start = performance.now();
    const iwae = await this.#wait(
      testSetIwae(trainer, this.#trainerSettings().seed, {
        k: task.k,
        onProgress: (done, total) => this.#post({ type: 'evaluate-progress', requestId: task.requestId, done, total }),
        between: () => this.#deps.nextTask(),
        cancelled: () => token !== this.#driverToken || this.#inbox.some((t) => t.type === 'cancel-evaluate' || t.type === 'init'),
      }),
      token,
    );
    this.#post({ type: 'evaluated', requestId: task.requestId, evaluation: { metrics, iwae, millis: performance.now() - start } });
  }

  /**
   * A β sweep: training pauses, then one fresh model per β (this run's
   * settings and seed, that β) trains for the given epochs beside the current
   * one, which is left exactly as it was. Each finished β goes out as a
   * `sweep-point`; a waiting cancel or new model stops the sweep, keeping
   * those; the one reply says how many finished.
   */
  async #sweep(task: Extract<ToWorker, { type: 'sweep' }>, token: number): Promise<void> {
    this.#requireTrainer('sweep from');
    const problem = sweepRequestProblem(task.betas, task.epochs);
    if (problem) throw new Error(problem);
    if (this.#running || this.#pendingSteps > 0) {
      this.#running = false;
      this.#pendingSteps = 0;
      this.#post({ type: 'running', running: false });
    }
    this.#flushMetrics();
    const summary = await this.#wait(
      runSweep(this.#data(), this.#trainerSettings(), {
        betas: task.betas,
        epochs: task.epochs,
        onPoint: (point) => token === this.#driverToken && this.#post({ type: 'sweep-point', requestId: task.requestId, point }),
        onProgress: (progress) => token === this.#driverToken && this.#post({ type: 'sweep-progress', requestId: task.requestId, progress }),
        between: () => this.#deps.nextTask(),
        cancelled: () => token !== this.#driverToken || this.#inbox.some((t) => t.type === 'cancel-sweep' || t.type === 'init'),
      }),
      token,
    );
    this.#post({ type: 'swept', requestId: task.requestId, summary });
  }

  /** Measures the test set with the model as it is, or (reason 'start') with a frozen copy of its step-0 weights. */
  async #evaluate(token: number, reason: 'start' | 'epoch' | 'restore' | 'manual', frozen?: LayerStack): Promise<EvalMetrics> {
    const trainer = this.#requireTrainer('evaluate');
    const result = await this.#wait(trainer.evaluate(frozen), token);
    const indices = trainer.exampleIndices();
    const { originals, reconstructions } = await this.#wait(trainer.reconstructExamples(indices, frozen), token);
    // A trainer replaced meanwhile (backend move, new model) makes this measurement stale.
    if (this.#trainer !== trainer) throw new Abandoned();
    const testLabels = this.#data().testLabels;
    const at = frozen ? { epoch: 0, step: 0 } : { epoch: trainer.epoch, step: trainer.step };
    const metrics: EvalMetrics = { ...at, recon: result.recon, kl: result.kl, negElbo: result.recon + result.kl };
    this.#post(
      {
        type: 'eval',
        metrics,
        means: result.means,
        latent: trainer.vae.arch.latent,
        klPerDim: result.klPerDim,
        examples: { labels: Array.from(indices, (i) => testLabels[i]), originals, reconstructions },
        reason,
      },
      [result.means.buffer, result.klPerDim.buffer, originals.buffer, reconstructions.buffer],
    );
    return metrics;
  }

  /**
   * Sends the decoder to the page. Every CHECKPOINT_EVERY_MS (or when
   * `checkpoint`) it first checks every pending loss and reads a whole
   * checkpoint instead, kept, if finite, as a point to roll back to.
   */
  async #publishSnapshot(token: number, checkpoint: boolean): Promise<void> {
    const trainer = this.#trainer;
    if (!trainer) return;
    const start = performance.now();
    this.#snapshots.began(start);
    const whole = checkpoint || this.#wholeCheckpoints.due(start);
    let decoder: LayerSnapshot[];
    if (whole) {
      await this.#drainInFlight(token);
      const read = await this.#wait(trainer.checkpoint(), token);
      this.#wholeCheckpoints.began(start);
      this.#wholeCheckpoints.ended(start);
      if (!allFinite(read.layers)) return;
      if (this.#checkpoints[this.#checkpoints.length - 1]?.step !== read.step) this.#checkpoints.push(read);
      if (this.#checkpoints.length > CHECKPOINTS_KEPT) this.#checkpoints.shift();
      // Copies: the checkpoint is kept here, the copies are transferred away.
      decoder = read.layers.slice(trainer.vae.encoder.length).map((l) => ({ ...l, weights: l.weights.slice(), bias: l.bias.slice() }));
    } else {
      decoder = await this.#wait(trainer.vae.snapshot('decoder'), token);
      this.#snapshots.ended(start);
      if (!allFinite(decoder)) return;
    }
    this.#post({ type: 'decoder', step: trainer.step, layers: decoder, checkpoint: whole }, decoder.flatMap((l) => [l.weights.buffer, l.bias.buffer]));
  }
}

/** The data cache's key: a point set is drawn from the seed, so it is cached per seed; other sets by name. */
function dataKey(config: Pick<PlaygroundConfig, 'data' | 'seed'>): string {
  return isPointSet(config.data) ? `${config.data}@${config.seed}` : config.data;
}
