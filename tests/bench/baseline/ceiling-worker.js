// The ceiling: one training step's matrix products (GEMMs) alone, timed on the
// same backend and thread count as the app, with the same tfjs release. For each
// layer in→out and batch B: the forward x·W (B×in · in×out), the backward
// xᵀ·dz (in×B · B×out) and, past the first layer, dz·Wᵀ (B×out · out×in), operands already laid out
// so no transpose is timed. batch / (time of all of them) is the most samples
// per second any step of this model could reach here.
/* global tf */
importScripts('./tf.min.js');

async function setup({ backend, threads }) {
  if (backend === 'wasm') {
    importScripts('./tf-backend-wasm.min.js');
    tf.wasm.setWasmPaths('./wasm/');
    if (threads) {
      tf.wasm.setThreadsCount(threads);
      // tfjs caps threads at hardwareConcurrency / 2; lift the cap as the app does (src/lib/training/wasm-threads.ts).
      if (navigator.hardwareConcurrency < 2 * threads) Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
    }
  }
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} cannot start in the ceiling worker`);
  await tf.ready();
  return { backend: tf.getBackend(), threads: backend === 'wasm' ? tf.wasm.getThreadsCount() : null };
}

/** The operand pairs of one step's GEMMs for layers [[in, out], …]. */
function operands(layers, batch) {
  const pairs = [];
  layers.forEach(([inputs, outputs], index) => {
    const x = tf.randomNormal([batch, inputs]);
    const w = tf.randomNormal([inputs, outputs]);
    const dz = tf.randomNormal([batch, outputs]);
    const xt = tf.randomNormal([inputs, batch]);
    pairs.push([x, w], [xt, dz]);
    // The gradient of the data itself is never needed: neither the app nor stock tfjs forms it.
    if (index > 0) pairs.push([dz, tf.randomNormal([outputs, inputs])]);
  });
  return pairs;
}

/** Runs every GEMM once; returns the last product (the others are freed). */
function step(pairs) {
  let last = null;
  for (const [a, b] of pairs) {
    last?.dispose();
    last = tf.matMul(a, b);
  }
  return last;
}

/**
 * Mean time of one step's GEMMs over a window of `windowMs`, best of `rounds` windows.
 * On wasm, XNNPACK packs a product's right-hand operand on first use and caches
 * the packing by tensor. In a training step every right-hand operand is new
 * (the weights changed, the gradients are new), so there each timed product
 * gets a fresh copy, made outside the timing, as a step would.
 */
async function time({ layers, batch, windowMs = 2000, rounds = 3 }) {
  const pairs = operands(layers, batch);
  const gpu = tf.getBackend() !== 'wasm' && tf.getBackend() !== 'cpu';
  const withFreshOperands = () => pairs.map(([a, b]) => [a, gpu ? b : tf.mul(b, 1)]);
  const dropFresh = (run) => {
    if (!gpu) tf.dispose(run.map(([, b]) => b));
  };
  try {
    // Warm-up: compiles the programs, sizes the buffers.
    for (let i = 0; i < 3; i++) {
      const run = withFreshOperands();
      const out = step(run);
      await out.data();
      out.dispose();
      dropFresh(run);
    }
    let best = Infinity;
    for (let round = 0; round < rounds; round++) {
      let n = 0;
      let spent = 0;
      const start = performance.now();
      let out = null;
      while (performance.now() - start < windowMs / rounds) {
        const run = withFreshOperands();
        const before = performance.now();
        out?.dispose();
        out = step(run);
        n++;
        // A GPU queues work: wait for it now and then, and at the end. wasm runs synchronously.
        if (gpu && n % 10 === 0) await out.data();
        spent += performance.now() - before;
        dropFresh(run);
      }
      await out.data();
      out.dispose();
      best = Math.min(best, (gpu ? performance.now() - start : spent) / n);
    }
    return { stepMs: best, gemms: pairs.length, samplesPerSecond: (batch * 1000) / best };
  } finally {
    for (const [a, b] of pairs) tf.dispose([a, b]);
  }
}

self.onmessage = async ({ data }) => {
  try {
    const result = data.type === 'setup' ? await setup(data) : await time(data);
    self.postMessage({ id: data.id, result });
  } catch (error) {
    self.postMessage({ id: data.id, error: error instanceof Error ? error.message : String(error) });
  }
};
