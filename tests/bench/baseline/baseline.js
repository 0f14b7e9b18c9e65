// The benchmark's baseline: the way a typical in-browser playground trains —
// stock tfjs (full bundle, its default backend), stock gradients
// (optimizer.minimize), on the main thread, awaiting each step's loss.
// Same model, batch, data, split, initialisation scheme and optimizer as the app.
/* global tf */
(function () {
  const PIXELS = 784;
  const TEST_PER_CLASS = 200;

  function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // Same seed mixing as the app (src/lib/data/rng.ts), so the baseline sees the
  // same initial weights, batch order and noise: a like-for-like quality check.
  function mixSeed(a, b) {
    let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    return h >>> 0;
  }

  function permutation(n, random) {
    const out = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  async function loadSplit() {
    const bytes = new Uint8Array(await (await fetch('../data/mnist.bin')).arrayBuffer());
    const view = new DataView(bytes.buffer);
    const count = view.getUint32(12, true);
    const labels = bytes.subarray(24, 24 + count);
    const pixels = bytes.subarray(24 + count);
    const perClass = new Array(10).fill(0);
    for (const l of labels) perClass[l]++;
    const seen = new Array(10).fill(0);
    const train = [];
    const test = [];
    for (let i = 0; i < count; i++) {
      const d = labels[i];
      (seen[d]++ >= perClass[d] - TEST_PER_CLASS ? test : train).push(i);
    }
    const gather = (idx) => {
      const out = new Float32Array(idx.length * PIXELS);
      idx.forEach((src, row) => {
        for (let p = 0; p < PIXELS; p++) out[row * PIXELS + p] = pixels[src * PIXELS + p] / 255;
      });
      return out;
    };
    return { train: gather(train), trainCount: train.length, test: gather(test), testCount: test.length };
  }

  function glorot(inputs, outputs, seed) {
    const limit = Math.sqrt(6 / (inputs + outputs));
    return tf.variable(tf.randomUniform([inputs, outputs], -limit, limit, 'float32', seed));
  }

  function buildModel(hidden, latent, seed) {
    const enc = [];
    let width = PIXELS;
    hidden.forEach((h, k) => {
      enc.push({ w: glorot(width, h, seed * 101 + k), b: tf.variable(tf.zeros([h])) });
      width = h;
    });
    const head = { w: glorot(width, 2 * latent, seed * 101 + hidden.length), b: tf.variable(tf.zeros([2 * latent])) };
    const dec = [];
    width = latent;
    [...hidden].reverse().forEach((h, k) => {
      dec.push({ w: glorot(width, h, seed * 101 + 50 + k), b: tf.variable(tf.zeros([h])) });
      width = h;
    });
    const out = { w: glorot(width, PIXELS, seed * 101 + 50 + hidden.length), b: tf.variable(tf.zeros([PIXELS])) };
    return { enc, head, dec, out, latent };
  }

  function terms(model, x, eps) {
    let h = x;
    for (const l of model.enc) h = tf.relu(tf.add(tf.matMul(h, l.w), l.b));
    const stats = tf.add(tf.matMul(h, model.head.w), model.head.b);
    const [mu, rawLogVar] = tf.split(stats, 2, 1);
    const logVar = tf.clipByValue(rawLogVar, -10, 10);
    let z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
    for (const l of model.dec) z = tf.relu(tf.add(tf.matMul(z, l.w), l.b));
    const logits = tf.add(tf.matMul(z, model.out.w), model.out.b);
    const bce = tf.sum(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))), 1);
    const kl = tf.mul(tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1)), 1), 0.5);
    return { bce, kl };
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

  /** Controls the benchmark drives from Playwright. */
  window.baseline = {
    state: 'idle',
    steps: 0,
    stepTimes: [],
    async setup({ hidden = [512, 256], latent = 2, batch = 128, lr = 0.001, seed = 42, backend = 'default' } = {}) {
      this.state = 'loading';
      if (backend === 'wasm') await useStockWasm();
      else if (backend !== 'default') await tf.setBackend(backend);
      await tf.ready();
      this.backend = tf.getBackend();
      this.data = await loadSplit();
      this.trainX = tf.tensor2d(this.data.train, [this.data.trainCount, PIXELS]);
      this.model = buildModel(hidden, latent, seed);
      this.optimizer = tf.train.adam(lr);
      this.batch = batch;
      this.seed = seed;
      this.epoch = 0;
      this.order = permutation(this.data.trainCount, mulberry32(mixSeed(seed, 0)));
      this.cursor = 0;
      this.stepsPerEpoch = Math.floor(this.data.trainCount / batch);
      this.state = 'ready';
    },
    async step() {
      if (this.cursor >= this.stepsPerEpoch) {
        this.cursor = 0;
        this.epoch++;
        this.order = permutation(this.data.trainCount, mulberry32(mixSeed(this.seed, this.epoch)));
      }
      const idx = this.order.slice(this.cursor * this.batch, (this.cursor + 1) * this.batch);
      this.cursor++;
      const cost = tf.tidy(() => {
        const x = tf.gather(this.trainX, tf.tensor1d(idx, 'int32'));
        const eps = tf.randomNormal([this.batch, this.model.latent], 0, 1, 'float32', mixSeed(this.seed + 7, this.steps));
        return this.optimizer.minimize(() => {
          const { bce, kl } = terms(this.model, x, eps);
          return tf.add(tf.mean(bce), tf.mean(kl));
        }, true);
      });
      const value = (await cost.data())[0];
      cost.dispose();
      this.steps++;
      return value;
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
    /** Test −ELBO per image over the fixed test split, one z sample each. */
    async evaluate() {
      let recon = 0;
      let kl = 0;
      const chunk = 500;
      for (let start = 0, c = 0; start < this.data.testCount; start += chunk, c++) {
        const rows = Math.min(chunk, this.data.testCount - start);
        const sums = tf.tidy(() => {
          const x = tf.tensor2d(this.data.test.subarray(start * PIXELS, (start + rows) * PIXELS), [rows, PIXELS]);
          const t = terms(this.model, x, tf.randomNormal([rows, this.model.latent], 0, 1, 'float32', mixSeed(this.seed + 13, c)));
          return tf.stack([tf.sum(t.bce), tf.sum(t.kl)]);
        });
        const [r, k] = await sums.data();
        sums.dispose();
        recon += r;
        kl += k;
      }
      const n = this.data.testCount;
      return { recon: recon / n, kl: kl / n, negElbo: (recon + kl) / n };
    },
  };
})();
