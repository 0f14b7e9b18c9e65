import type { LayerSnapshot } from '../model/architecture';
import { LEAKY_ALPHA } from '../model/activation-constants';
import { outputActivationFor, type OutputActivation } from '../model/recon-term';

/**
 * Runs the decoder in plain JavaScript from a weight snapshot. The default
 * decoder (2→256→512→784) is about 0.5 M multiply-adds: well under a
 * millisecond, so dragging the latent pad never waits for the training worker.
 */
export class SnapshotDecoder {
  readonly latent: number;
  readonly outputs: number;
  /** sigmoid: pixel intensities in [0, 1]; identity: a point's coordinates. */
  readonly output: OutputActivation;
  private readonly layers: LayerSnapshot[];
  private readonly buffers: Float32Array[];

  /** `output` defaults to what the decoder's width implies (784: images, else points). */
  constructor(layers: LayerSnapshot[], output?: OutputActivation) {
    if (layers.length === 0) throw new Error('decoder snapshot has no layers');
    for (let i = 1; i < layers.length; i++) {
      if (layers[i].inputs !== layers[i - 1].outputs) throw new Error(`decoder layer ${i} does not fit layer ${i - 1}`);
    }
    this.layers = layers;
    this.latent = layers[0].inputs;
    this.outputs = layers[layers.length - 1].outputs;
    this.output = output ?? outputActivationFor(this.outputs);
    this.buffers = layers.map((l) => new Float32Array(l.outputs));
  }

  /** Decodes one latent vector into `out` (pixel intensities in [0, 1], or a point). */
  decode(z: ArrayLike<number>, out: Float32Array = new Float32Array(this.outputs)): Float32Array {
    if (z.length !== this.latent) throw new Error(`expected a ${this.latent}-D latent vector, got ${z.length}`);
    let input: ArrayLike<number> = z;
    this.layers.forEach((layer, index) => {
      const result = this.buffers[index];
      result.set(layer.bias);
      const { weights, outputs } = layer;
      // Row-major [inputs × outputs]: accumulate one input row at a time (cache friendly).
      for (let i = 0; i < layer.inputs; i++) {
        const xi = input[i];
        if (xi === 0) continue;
        const row = i * outputs;
        for (let j = 0; j < outputs; j++) result[j] += xi * weights[row + j];
      }
      applyActivation(result, layer.act);
      input = result;
    });
    const logits = this.buffers[this.buffers.length - 1];
    if (this.output === 'identity') out.set(logits);
    else for (let j = 0; j < this.outputs; j++) out[j] = 1 / (1 + Math.exp(-logits[j]));
    return out;
  }
}

function applyActivation(values: Float32Array, act: LayerSnapshot['act']): void {
  switch (act) {
    case 'linear':
      return;
    case 'relu':
      for (let j = 0; j < values.length; j++) if (values[j] < 0) values[j] = 0;
      return;
    case 'leakyrelu':
      for (let j = 0; j < values.length; j++) if (values[j] < 0) values[j] *= LEAKY_ALPHA;
      return;
    case 'elu':
      for (let j = 0; j < values.length; j++) if (values[j] < 0) values[j] = Math.expm1(values[j]);
      return;
    case 'sigmoid':
      for (let j = 0; j < values.length; j++) values[j] = 1 / (1 + Math.exp(-values[j]));
      return;
    case 'tanh':
      for (let j = 0; j < values.length; j++) values[j] = Math.tanh(values[j]);
      return;
  }
}
