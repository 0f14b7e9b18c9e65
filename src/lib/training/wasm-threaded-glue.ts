/**
 * Stands in for tfjs-backend-wasm's threaded Emscripten glue and its pthread
 * workers' script. backend_wasm.js imports both at its top although only a
 * backend with more than one thread runs them; vite.config.ts points those two
 * imports here, so the real files (12 KB gzipped, shipped unminified: tfjs
 * rebuilds its pthread workers from the factory's source text) are fetched
 * only when backend.ts chooses more than one thread and calls loadThreadedGlue().
 */
type Factory = (config: object) => Promise<unknown>;

let real: Factory | null = null;
let loading: Promise<void> | null = null;

/** The pthread workers' script; tfjs reads this (live) binding when it starts them. */
export let wasmWorkerContents = '';

function threadedFactory(config: object): Promise<unknown> {
  if (!real) throw new Error('the threaded WebAssembly code was not loaded before the wasm backend started');
  return real(config);
}
// tfjs hands the pthread workers `factory.toString()`: it must be the real factory's source.
threadedFactory.toString = () => (real ? real.toString() : Function.prototype.toString.call(threadedFactory));

export default threadedFactory;

/** Fetches the threaded glue once (again after a failed try). */
export function loadThreadedGlue(): Promise<void> {
  loading ??= Promise.all([
    import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'),
    import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js'),
  ]).then(
    ([glue, worker]) => {
      const factory = (glue as { default?: Factory }).default ?? (glue as unknown as Factory);
      const script = worker as { wasmWorkerContents?: string; default?: { wasmWorkerContents?: string } };
      real = factory;
      wasmWorkerContents = script.wasmWorkerContents ?? script.default?.wasmWorkerContents ?? '';
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}
