// The benchmark's baseline: the way a typical in-browser playground trains —
// stock tfjs (full bundle, its default backend), stock ops and gradients
// (optimizer.minimize), on the main thread, awaiting each step's loss.
// It trains the model the bench's --config describes, like the app: same
// layers and activation, reconstruction term, optimizer and its settings,
// β with its warm-up, batch, data and split, initialisation, batch order and
// noise. The data, seeds and numerical choices come from the app's own
// modules (AppShared, bundled from tests/bench/app-shared.ts), so they cannot drift.
/* global tf, AppShared */
(function () {
  const S = AppShared;

  async function loadData(name) {
    if (name === 'mnist') return S.mnistFromPacked(await (await fetch('../data/mnist.bin')).arrayBuffer());
    if (name === 'shapes') return S.syntheticShapes();
    if (S.isPointSet(name)) return S.pointSet(name);
    throw new Error(`the baseline cannot load the data set "${name}"`);
  }

  /** As the app's initLayer (src/lib/model/vae.ts), with the same INIT choice and seeds. */
  function initLayer(inputs, outputs, act, seed) {
    const torch = S.INIT === 'torch';
    const limit = torch ? 1 / Math.sqrt(inputs) : Math.sqrt(6 / (inputs + outputs));
    return tf.tidy(() => ({
      w: tf.variable(tf.randomUniform([inputs, outputs], -limit, limit, 'float32', seed)),
      b: tf.variable(torch ? tf.randomUniform([outputs], -limit, limit, 'float32', seed + 1_000_003) : tf.zeros([outputs])),
      act,
    }));
  }

  function buildModel(features, hidden, latent, act, seed) {
    const plan = S.layerPlan({ inputSize: features, hidden, latent, act });
    return {
      enc: plan.encoder.map(([i, o, a], k) => initLayer(i, o, a, seed * 101 + k)),
      dec: plan.decoder.map(([i, o, a], k) => initLayer(i, o, a, seed * 101 + 50 + k)),
      latent,
    };
  }

  /** Stock tfjs ops, one per activation, as a plain playground would write them. */
  function activate(z, act) {
    switch (act) {
      case 'linear': return z;
      case 'relu': return tf.relu(z);
      case 'leakyrelu': return tf.leakyRelu(z, S.LEAKY_ALPHA);
      case 'elu': return tf.elu(z);
      case 'tanh': return tf.tanh(z);
      case 'sigmoid': return tf.sigmoid(z);
      default: throw new Error(`unknown activation ${act}`);
    }
  }

  function layer(h, l) {
    return activate(tf.add(tf.matMul(h, l.w), l.b), l.act);
  }

  /** log σ² kept in range as the app keeps it (LOG_VAR_CLAMP). */
  function clampLogVar(raw) {
    const [lo, hi] = S.LOG_VAR_RANGE;
    if (S.LOG_VAR_CLAMP === 'hard') return tf.clipByValue(raw, lo, hi);
    const mid = (hi + lo) / 2;
    const half = (hi - lo) / 2;
    return tf.add(tf.mul(tf.tanh(tf.div(tf.sub(raw, mid), half)), half), mid);
  }

  const HALF_LOG_TWO_PI_VAR = 0.5 * Math.log(2 * Math.PI * S.POINT_SIGMA * S.POINT_SIGMA);

  /** Per-example reconstruction term, the formulas of src/lib/model/losses.ts. */
  function reconstruction(kind, x, out) {
    switch (kind) {
      case 'bce':
        return tf.sum(tf.add(tf.sub(tf.relu(out), tf.mul(out, x)), tf.log1p(tf.exp(tf.neg(tf.abs(out))))), 1);
      case 'mse':
        return tf.sum(tf.squaredDifference(tf.sigmoid(out), x), 1);
      case 'gaussian':
        return tf.sum(tf.add(tf.div(tf.squaredDifference(out, x), 2 * S.POINT_SIGMA * S.POINT_SIGMA), HALF_LOG_TWO_PI_VAR), 1);
      default:
        throw new Error(`unknown reconstruction term ${kind}`);
    }
  }

  function terms(model, x, eps, recon) {
    let h = x;
    for (const l of model.enc) h = layer(h, l);
    const [mu, rawLogVar] = tf.split(h, 2, 1);
    const logVar = clampLogVar(rawLogVar);
    let z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
    for (const l of model.dec) z = layer(z, l);
    const kl = tf.mul(tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1)), 1), 0.5);
    return { recon: reconstruction(recon, x, z), kl };
  }

  /** The app's optimizers and their settings (src/lib/training/checkpoint.ts makeOptimizer). */
  function makeOptimizer(name, lr) {
    switch (name) {
      case 'adam': {
        const floor = tf.backend().epsilon();
        return tf.train.adam(lr, 0.9, 0.999, floor > S.ADAM_EPSILON * 10 ? floor : S.ADAM_EPSILON);
      }
      case 'sgd': return tf.train.sgd(lr);
      case 'rmsprop': return tf.train.rmsprop(lr);
      default: throw new Error(`unknown optimizer ${name}`);
    }
  }

  /** β with its linear warm-up, as the app's betaAt (src/lib/training/trainer.ts). */
  function betaAt(step, beta, warmup) {
    return warmup > 0 ? beta * Math.min(1, step / warmup) : beta;
  }

  /** Loads tfjs's own wasm backend bundle (only when asked: the default stays tfjs's choice). */
  async function useStockWasm() {
    if (!tf.findBackend('wasm')) {
      await new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = './tf-backend-wasm.min.js';
        script.onload = resolve;
        script.onerror = () => reject(new Error('could not load the wasm backend'));
        document.head.append(script);
      });
      tf.wasm.setWasmPaths('./wasm/');
    }
    await tf.setBackend('wasm');
  }

  /**
   * GPU programs the webgl backend runs: calls to its gpgpu.executeProgram,
   * counted the same way as the app's (src/lib/perf/gpu-programs.ts). null elsewhere.
   */
  function programCounter() {
    const gpgpu = tf.backend().gpgpu;
    if (!gpgpu || typeof gpgpu.executeProgram !== 'function') return null;
    const counter = { count: 0 };
    const original = gpgpu.executeProgram;
    gpgpu.executeProgram = function (...args) {
      counter.count++;
      return original.apply(this, args);
    };
    return counter;
  }

  /** Controls the benchmark drives from Playwright. */
  window.baseline = {
    state: 'idle',
    steps: 0,
    stepTimes: [],
    /** Programs run by each of the most recent steps (webgl only). */
    stepPrograms: [],
    async setup({ data = 'mnist', hidden = [512, 256], latent = 2, act = 'relu', recon = 'bce', beta = 1, warmup = 0, opt = 'adam', lr = 0.001, batch = 128, seed = 42, backend = 'default' } = {}) {
      this.state = 'loading';
      if (backend === 'wasm') await useStockWasm();
      else if (backend !== 'default') await tf.setBackend(backend);
      await tf.ready();
      this.backend = tf.getBackend();
      this.programs = programCounter();
      this.data = await loadData(data);
      this.features = this.data.features;
      this.trainX = tf.tensor2d(this.data.trainImages, [this.data.trainCount, this.features]);
      this.model = buildModel(this.features, hidden, latent, act, seed);
      this.optimizer = makeOptimizer(opt, lr);
      this.recon = recon;
      this.beta = beta;
      this.warmup = warmup;
      // The app caps the batch at the training set's size.
      this.batch = Math.min(batch, this.data.trainCount);
      this.seed = seed;
      this.epoch = 0;
      this.order = S.seededPermutation(this.data.trainCount, S.mixSeed(seed, 0));
      this.cursor = 0;
      this.stepsPerEpoch = Math.floor(this.data.trainCount / this.batch);
      this.state = 'ready';
    },
    async step() {
      if (this.cursor >= this.stepsPerEpoch) {
        this.cursor = 0;
        this.epoch++;
        this.order = S.seededPermutation(this.data.trainCount, S.mixSeed(this.seed, this.epoch));
      }
      const idx = this.order.slice(this.cursor * this.batch, (this.cursor + 1) * this.batch);
      this.cursor++;
      const beta = betaAt(this.steps, this.beta, this.warmup);
      const programsBefore = this.programs?.count ?? 0;
      const cost = tf.tidy(() => {
        const x = tf.gather(this.trainX, tf.tensor1d(idx, 'int32'));
        const eps = tf.randomNormal([this.batch, this.model.latent], 0, 1, 'float32', S.mixSeed(this.seed + 7, this.steps));
        return this.optimizer.minimize(() => {
          const { recon, kl } = terms(this.model, x, eps, this.recon);
          return tf.add(tf.mean(recon), tf.mul(tf.mean(kl), beta));
        }, true);
      });
      // The step's own programs, before the loss is read back (the app counts around its step the same way).
      if (this.programs) {
        this.stepPrograms.push(this.programs.count - programsBefore);
        if (this.stepPrograms.length > 20) this.stepPrograms.shift();
      }
      const value = (await cost.data())[0];
      cost.dispose();
      this.steps++;
      return value;
    },
    /** Mean GPU programs per step over the last (up to) 20 steps; null off webgl. */
    programsPerStep() {
      if (!this.programs || this.stepPrograms.length === 0) return null;
      return this.stepPrograms.reduce((a, b) => a + b, 0) / this.stepPrograms.length;
    },
    /** Trains until `stop()` is called, recording each step's finish time. */
    async run() {
      this.state = 'running';
      this.stopRequested = false;
      while (!this.stopRequested) {
        await this.step();
        this.stepTimes.push(performance.now());
        // Yield a task (without setTimeout's clamp) so the page, and the bench's stop(), can run:
        // on wasm and cpu `data()` resolves at once and the loop would otherwise never let go.
        await new Promise((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = resolve;
          channel.port2.postMessage(null);
        });
      }
      this.state = 'ready';
    },
    stop() {
      this.stopRequested = true;
    },
    async trainEpochs(epochs) {
      for (let i = 0; i < epochs * this.stepsPerEpoch; i++) await this.step();
    },
    /** Test −ELBO per example over the fixed test split, one z sample each: the app's chunks and noise. */
    async evaluate() {
      const count = this.data.testCount;
      const chunk = Math.min(S.EVAL_CHUNK, count);
      const testX = tf.tensor2d(this.data.testImages, [count, this.features]);
      let recon = 0;
      let kl = 0;
      for (let c = 0; c * chunk < count; c++) {
        // A last partial chunk overlaps the previous one, as in the app, so every z sample matches.
        const start = Math.min(c * chunk, count - chunk);
        const skip = c * chunk - start;
        const both = tf.tidy(() => {
          const x = tf.slice(testX, [start, 0], [chunk, this.features]);
          const t = terms(this.model, x, tf.randomNormal([chunk, this.model.latent], 0, 1, 'float32', S.mixSeed(this.seed + 13, c)), this.recon);
          return tf.stack([t.recon, t.kl]);
        });
        const values = await both.data();
        both.dispose();
        for (let i = skip; i < chunk; i++) {
          recon += values[i];
          kl += values[chunk + i];
        }
      }
      testX.dispose();
      return { recon: recon / count, kl: kl / count, negElbo: (recon + kl) / count };
    },
  };
})();
