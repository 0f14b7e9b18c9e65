// What the soak reads from the running page: the worker's tensor count (the
// `vae:tensors` User Timing marks, src/lib/perf/marks.ts), epoch evaluations
// (`vae:eval`), and the page's JS heap through the DevTools protocol.

/**
 * Installed before the app loads. A PerformanceObserver copies each mark into a
 * short queue that the soak drains on every poll, so the probe's own memory stays
 * constant however long the run (reading the whole timeline would not).
 */
export const MARK_QUEUE = () => {
  window.__soakQueue = { tensors: [], evals: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.name === 'vae:tensors') window.__soakQueue.tensors.push([e.detail.step, e.detail.numTensors]);
      else if (e.name === 'vae:eval') window.__soakQueue.evals.push([e.detail.epoch, e.detail.step]);
    }
  }).observe({ type: 'mark' });
};

/** Takes the marks seen since the last call: { tensors: [[step, numTensors]…], evals: [[epoch, step]…] }. */
export function drainMarks(page) {
  return page.evaluate(() => {
    const q = window.__soakQueue;
    window.__soakQueue = { tensors: [], evals: [] };
    return q;
  });
}

/** A CDP session on the page for forced garbage collection and heap figures. */
export async function openHeapProbe(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  async function read() {
    await cdp.send('HeapProfiler.collectGarbage');
    const usage = await cdp.send('Runtime.getHeapUsage');
    return { js: usage.usedSize, embedder: usage.embedderHeapUsedSize ?? 0 };
  }
  return {
    /**
     * Live bytes after a full collection: V8's JS heap and Blink's (DOM, performance
     * entries). A reading that lands while a message is being handled carries its
     * transient objects, so take two a moment apart and keep the lower of each.
     */
    async sample() {
      const a = await read();
      await new Promise((r) => setTimeout(r, 150));
      const b = await read();
      return { js: Math.min(a.js, b.js), embedder: Math.min(a.embedder, b.embedder) };
    },
    /**
     * A heap snapshot's live bytes split into compiled code and everything else
     * (objects, arrays, strings, DOM and performance entries). V8 keeps compiling
     * hot paths for minutes, so only the second kind says whether data piles up.
     */
    async snapshotBytes() {
      const chunks = [];
      const collect = (e) => chunks.push(e.chunk);
      cdp.on('HeapProfiler.addHeapSnapshotChunk', collect);
      await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      cdp.off('HeapProfiler.addHeapSnapshotChunk', collect);
      const { snapshot, nodes } = JSON.parse(chunks.join(''));
      const fields = snapshot.meta.node_fields;
      const typeNames = snapshot.meta.node_types[fields.indexOf('type')];
      const typeAt = fields.indexOf('type');
      const sizeAt = fields.indexOf('self_size');
      const code = typeNames.indexOf('code');
      let data = 0;
      let compiled = 0;
      for (let i = 0; i < nodes.length; i += fields.length) {
        if (nodes[i + typeAt] === code) compiled += nodes[i + sizeAt];
        else data += nodes[i + sizeAt];
      }
      return { data, code: compiled };
    },
    detach: () => cdp.detach(),
  };
}
