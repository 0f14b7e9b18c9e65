import { changedResetKeys, parseConfig, serializeConfig, validateValue, reconcileConfig, type ConfigMessage } from '../config/url';
import { fieldFor, type ConfigKey } from '../config/schema';
import type { PlaygroundConfig } from '../config/types';
import { TrainingClient } from '../training/client.svelte';
import type { LiveSettings } from '../training/trainer';
import type { ModelFile } from '../share/model-file';
import type { Checkpoint } from '../training/checkpoint';
import type { EvalMetrics, StepMetrics } from '../training/protocol';
import { whenModelReady } from './model-ready.svelte';
import { SweepState } from '../sweep/sweep.svelte';
import { datasetOf, isUploadData, rowsWord, splitCustom, type CustomSet } from '../data/custom/custom-set';
import { withoutUpload } from '../data/custom/link';

/** Said when uploaded data is asked for and this tab does not have it. */
function noUpload(data: string): string {
  return data === 'custom'
    ? 'it was trained on uploaded images, which this tab does not have: add the same files under “Your data” first'
    : 'it was trained on uploaded points, which this tab does not have: add the same CSV under “Your data” first';
}

const URL_DEBOUNCE_MS = 250;

export interface ConfirmRequest {
  title: string;
  body: string;
  confirmLabel: string;
  resolve: (ok: boolean) => void;
}

/** The playground's settings, their link, and the training client they drive. */
export class PlaygroundState {
  readonly client = new TrainingClient();
  /** The β sweep and its points (the lead connects `sweep.onSweepRunFinished` to a runs library). */
  readonly sweep = new SweepState(this.client);
  #config = $state<PlaygroundConfig>(parseConfig('').config);
  #linkMessages = $state.raw<ConfigMessage[]>([]);
  #fieldMessages = $state<Partial<Record<ConfigKey, string>>>({});
  #confirm = $state.raw<ConfirmRequest | null>(null);
  /** Weights loaded from a file count as progress even at step 0. */
  #weightsLoaded = $state(false);
  /** Images or points uploaded in this tab (the `custom` or `custom-points` dataset), before their split; never in a link. */
  #custom = $state.raw<CustomSet | null>(null);
  #urlTimer: ReturnType<typeof setTimeout> | undefined;
  #dataUrl: string;
  #ownsAddressBar: () => boolean;
  /** Called just before a new model or restored weights replace the current run (it can still be read). */
  readonly #beforeReplace = new Set<() => void>();

  /** `ownsAddressBar` says whether the playground is on screen (the lab keeps its own query). */
  constructor(search: string, dataUrl: string, ownsAddressBar: () => boolean = () => true) {
    this.#ownsAddressBar = ownsAddressBar;
    const { config, messages } = withoutUpload(parseConfig(search), null);
    this.#config = config;
    this.#linkMessages = messages;
    this.#dataUrl = dataUrl;
    this.#startModel();
  }

  get config(): Readonly<PlaygroundConfig> { return this.#config; }
  get linkMessages() { return this.#linkMessages; }
  get fieldMessages() { return this.#fieldMessages; }
  get confirmRequest() { return this.#confirm; }
  get query(): string { return serializeConfig(this.#config); }
  /** The uploaded set in this tab, if any (whether or not it is the dataset in force). */
  get customSet(): CustomSet | null { return this.#custom; }
  /** The data set this tab's upload trains as, if there is one. */
  get uploadData() { return this.#custom ? datasetOf(this.#custom) : null; }

  /**
   * Trains on uploaded images or points: a fresh model on them, split 80/20
   * with the seed. Asks first if training would be lost; resolves false if cancelled.
   */
  async useCustomSet(set: CustomSet): Promise<boolean> {
    const rows = rowsWord(set, set.count);
    if (this.hasProgress) {
      const ok = await this.ask(`Train on your ${rowsWord(set)}?`, `A new model is built on your ${set.count} ${rows}. The current one (step ${this.client.step}) will be discarded.`, 'Discard and train');
      if (!ok) return false;
    }
    this.#custom = set;
    // `recon` does not apply to points; it goes back to its default as it does for the built-in point sets.
    this.#config = reconcileConfig({ ...$state.snapshot(this.#config), data: datasetOf(set) } as PlaygroundConfig).config;
    const { data: _dropped, ...rest } = this.#fieldMessages;
    this.#fieldMessages = rest;
    this.#linkMessages = this.#linkMessages.filter((m) => m.key !== 'data');
    this.#startModel();
    this.#scheduleUrlUpdate();
    return true;
  }

  /** Runs `listener` just before the current run is replaced; returns the unsubscribe. */
  onBeforeReplace(listener: () => void): () => void {
    this.#beforeReplace.add(listener);
    return () => this.#beforeReplace.delete(listener);
  }

  #runEnding(): void {
    for (const listener of this.#beforeReplace) listener();
  }

  dismissLinkMessages(): void {
    this.#linkMessages = [];
  }

  /** Asks the user through the page's dialog; resolves true when they confirm. */
  ask(title: string, body: string, confirmLabel: string): Promise<boolean> {
    return new Promise((resolve) => {
      this.#confirm = {
        title,
        body,
        confirmLabel,
        resolve: (ok) => {
          this.#confirm = null;
          resolve(ok);
        },
      };
    });
  }

  /** Whether discarding the model would lose training the user has done. */
  get hasProgress(): boolean {
    return this.client.step > 0 || this.#weightsLoaded;
  }

  /**
   * A control changed. Validates it with the link rules, applies live settings
   * at once and asks before rebuilding the model for architecture changes.
   * Returns the value now in force, so the control can show it.
   */
  async setField(key: ConfigKey, raw: string): Promise<void> {
    if (key === 'data' && isUploadData(raw) && raw !== this.uploadData) {
      this.#fieldMessages = { ...this.#fieldMessages, data: `Add your own ${raw === 'custom' ? 'images' : 'points'} under “Your data” first.` };
      this.#config = { ...this.#config }; // the control shows the dataset still in force
      return;
    }
    const checked = validateValue(key, raw);
    const value = checked.ok ? checked.value : checked.fallback;
    const messages = { ...this.#fieldMessages };
    // A link warning about this key no longer describes what is in force.
    this.#linkMessages = this.#linkMessages.filter((m) => m.key !== key);
    if (checked.ok) delete messages[key];
    else messages[key] = checked.message.text;
    this.#fieldMessages = messages;

    const next = reconcileConfig({ ...$state.snapshot(this.#config), [key]: value } as PlaygroundConfig, new Set([key])).config;
    const resetKeys = changedResetKeys(this.#config, next);
    if (resetKeys.length > 0) {
      if (this.hasProgress) {
        const names = resetKeys.map((k) => fieldFor(k)?.label ?? k).join(', ');
        const ok = await this.ask(
          'Start a new model?',
          `Changing ${names} needs a fresh model. The current one (step ${this.client.step}) will be discarded.`,
          'Discard and rebuild',
        );
        if (!ok) {
          // Put the old value back into the control.
          this.#config = { ...this.#config };
          return;
        }
      }
      this.#config = next;
      this.#startModel();
    } else {
      this.#config = next;
      this.client.setLive(this.#liveSettings());
    }
    this.#scheduleUrlUpdate();
  }

  /** Selects a test image for the posterior panel (−1: none). Only the view and the link change. */
  setProbe(index: number): void {
    if (index === this.#config.probe) return;
    this.#config = { ...this.#config, probe: index };
    delete this.#fieldMessages.probe;
    this.#scheduleUrlUpdate();
  }

  #liveSettings(): LiveSettings {
    const { recon, beta, warmup, lr } = this.#config;
    return { recon, beta, warmup, lr };
  }

  /** Replaces the whole configuration (a preset or a pasted link), asking first if training would be lost. */
  async applyQuery(search: string): Promise<boolean> {
    if (this.hasProgress) {
      const ok = await this.ask('Open this configuration?', `The current model (step ${this.client.step}) will be discarded.`, 'Discard and open');
      if (!ok) return false;
    }
    const { config, messages } = withoutUpload(parseConfig(search), this.uploadData);
    this.#config = config;
    this.#linkMessages = messages;
    this.#fieldMessages = {};
    this.#startModel();
    this.#scheduleUrlUpdate();
    return true;
  }

  async reset(): Promise<void> {
    if (this.hasProgress) {
      const ok = await this.ask('Reset the model?', `Training so far (step ${this.client.step}) will be discarded and the weights re-initialised from seed ${this.#config.seed}.`, 'Reset');
      if (!ok) return;
    }
    this.#startModel();
  }

  /** A fresh model from the current config; any earlier run (or loaded weights) is discarded. */
  #startModel(): void {
    this.#runEnding();
    this.#weightsLoaded = false;
    if (isUploadData(this.#config.data)) {
      if (this.#custom && this.uploadData === this.#config.data) this.client.setCustomData(splitCustom(this.#custom, this.#config.seed));
      else this.#config = { ...this.#config, data: this.#config.data === 'custom' ? 'mnist' : 'moons' };
    }
    this.client.start(this.#config, this.#dataUrl);
  }

  /**
   * Loads a validated model file. A file needing other reset-level settings
   * (architecture, data, seed, …) switches to its config and rebuilds first;
   * the browser's own backend choice is kept, since it describes this machine,
   * not the model. Asks before replacing anything. Resolves false if cancelled.
   */
  async importModel(model: ModelFile): Promise<boolean> {
    if (isUploadData(model.config.data) && model.config.data !== this.uploadData) throw new Error(noUpload(model.config.data));
    const config: PlaygroundConfig = { ...model.config, hidden: [...model.config.hidden], backend: this.#config.backend };
    const rebuild = changedResetKeys(this.#config, config);
    if (rebuild.length > 0 || this.hasProgress) {
      const names = rebuild.map((k) => fieldFor(k)?.label ?? k).join(', ');
      const lost = this.hasProgress ? ` The current model (step ${this.client.step}) will be discarded.` : '';
      const body = rebuild.length > 0
        ? `This model was trained with different settings (${names}); the playground switches to the file's settings and builds a matching model.${lost}`
        : `The current weights will be replaced by the file's.${lost}`;
      if (!(await this.ask('Load this model?', body, 'Load model'))) return false;
    }
    // The file's step comes with its weights: the counter, the warm-up and the data order carry on from it.
    await this.#switchAndRestore(config, { step: model.step, layers: model.layers, optimizer: null });
    this.#weightsLoaded = true;
    return true;
  }

  /**
   * Continues a run saved in this browser: its settings, weights, optimizer
   * state, step and metric history. Asks first if the current model has
   * progress. Resolves false if cancelled; throws if the run cannot be used.
   */
  async resumeRun(query: string, checkpoint: Checkpoint, history: { steps: StepMetrics[]; evals: EvalMetrics[] }, upload: CustomSet | null = null): Promise<boolean> {
    const { config, messages } = parseConfig(query);
    if (messages.length > 0) throw new Error(`its settings are no longer valid (${messages[0].text})`);
    const usable = (set: CustomSet | null) => set !== null && datasetOf(set) === config.data;
    if (isUploadData(config.data) && !usable(upload) && !usable(this.#custom)) throw new Error(noUpload(config.data));
    if (this.hasProgress) {
      const ok = await this.ask('Resume the saved run?', `The current model (step ${this.client.step}) will be replaced by the saved run (step ${checkpoint.step}).`, 'Resume');
      if (!ok) return false;
    }
    // A model in place on other uploaded data with the same settings is rebuilt on the run's own.
    const runsOn = isUploadData(config.data) && usable(upload) ? upload : null;
    const otherImages = runsOn !== null && runsOn.id !== this.#custom?.id;
    if (runsOn) this.#custom = runsOn;
    await this.#switchAndRestore(config, checkpoint, history, otherImages);
    return true;
  }

  /**
   * Switches to `config`, building a matching model only when a reset-level
   * setting differs (else pausing and applying the live settings), then
   * continues from `checkpoint` with `history` as the run's curve.
   */
  async #switchAndRestore(config: PlaygroundConfig, checkpoint: Checkpoint, history?: { steps: StepMetrics[]; evals: EvalMetrics[] }, forceRebuild = false): Promise<void> {
    const rebuild = forceRebuild || changedResetKeys(this.#config, config).length > 0;
    if (!rebuild) this.#runEnding(); // else #startModel says it
    this.#config = config;
    this.#fieldMessages = {};
    this.#linkMessages = [];
    if (rebuild) this.#startModel();
    else {
      this.client.pause();
      this.client.setLive(this.#liveSettings());
    }
    this.#scheduleUrlUpdate();
    await whenModelReady(this.client);
    // The user may have changed the architecture while the model was building.
    if (changedResetKeys(this.#config, config).length > 0) throw new Error('the settings changed while the model was loading');
    await this.client.restore(checkpoint, history);
  }

  /** The address bar follows the settings; replaceState, debounced, so history is not spammed. */
  #scheduleUrlUpdate(): void {
    clearTimeout(this.#urlTimer);
    this.#urlTimer = setTimeout(() => {
      if (!this.#ownsAddressBar()) return;
      const query = this.query;
      const url = `${location.pathname}${query ? `?${query}` : ''}${location.hash}`;
      if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(history.state, '', url);
    }, URL_DEBOUNCE_MS);
  }

  dispose(): void {
    clearTimeout(this.#urlTimer);
    this.client.dispose();
  }
}
