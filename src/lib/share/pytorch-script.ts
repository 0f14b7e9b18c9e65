/**
 * "Export as PyTorch script": one runnable Python file that trains the same
 * configuration on MNIST, on one device or under torchrun with DDP. Pure: it
 * only builds text. Layer sizes come from the app's own `layerPlan`, so the
 * script and the browser model cannot drift apart.
 */
import type { Activation, PlaygroundConfig } from '../config/types';
import { serializeConfig } from '../config/url';
import { PIXELS } from '../data/pack';
import { isPointSet } from '../data/points2d';
import { LEAKY_ALPHA } from '../model/activation-constants';
import { LOG_VAR_RANGE, layerPlan, type LayerActivation } from '../model/architecture';
import { ADAM_EPSILON, INIT, LOG_VAR_CLAMP, RMSPROP_DECAY, RMSPROP_EPSILON } from '../model/training-choices';
import { PYTORCH_BODY } from './pytorch-body';

export interface ScriptOptions {
  /** Default for --epochs. */
  epochs?: number;
}

const ACTIVATION_MODULES: Record<Activation, string> = {
  relu: 'nn.ReLU()',
  leakyrelu: `nn.LeakyReLU(${pyFloat(LEAKY_ALPHA)})`,
  elu: 'nn.ELU(alpha=1.0)',
  tanh: 'nn.Tanh()',
  sigmoid: 'nn.Sigmoid()',
};

/** A number as a Python float literal (JS prints 1 as "1", Python wants "1.0" for a float). */
function pyFloat(value: number): string {
  const text = String(value);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

function pyString(text: string): string {
  // JSON string syntax is valid Python for the plain ASCII values used here.
  return JSON.stringify(text);
}

function sequential(layers: [number, number, LayerActivation][], lastComment: string): string {
  const lines: string[] = [];
  layers.forEach(([inputs, outputs, act], i) => {
    const isLast = i === layers.length - 1;
    lines.push(`            nn.Linear(${inputs}, ${outputs}),${isLast ? `  # ${lastComment}` : ''}`);
    if (act !== 'linear') lines.push(`            ${ACTIVATION_MODULES[act]},`);
  });
  return lines.join('\n');
}

export function pytorchScriptFileName(config: PlaygroundConfig): string {
  return `vae_${config.data}_z${config.latent}_${config.hidden.join('x')}.py`;
}

export function pytorchScript(config: PlaygroundConfig, options: ScriptOptions = {}): string {
  const epochs = Math.max(1, Math.floor(options.epochs ?? 10));
  const plan = layerPlan({ inputSize: PIXELS, hidden: config.hidden, latent: config.latent, act: config.act });
  const query = serializeConfig(config);
  const shapesNote =
    config.data === 'shapes'
      ? '\nNote: this configuration used the app\'s synthetic shapes, which are generated in the browser;\nthis script trains on MNIST instead.\n'
      : config.data === 'custom'
        ? '\nNote: this configuration trained on images uploaded in the browser, which stay there;\nthis script trains on MNIST instead.\n'
      : config.data === 'custom-points'
        ? '\nNote: this configuration trained on 2-D points uploaded in the browser, which stay there;\nthis script trains the same layer sizes on MNIST instead.\n'
      : isPointSet(config.data)
        ? `\nNote: this configuration used the app's 2-D point set '${config.data}', which this script does not build;\nit trains the same layer sizes on MNIST instead.\n`
        : '';
  const header = `#!/usr/bin/env python3
"""VAE Playground export: trains the same VAE as the app's configuration on MNIST.

App link: ?${query}
${shapesNote}
Same model and loss as the browser: MLP encoder ${[PIXELS, ...config.hidden].join(' -> ')} -> (mu, log var) of size ${config.latent},
decoder mirrored; ${config.act} activations; log var kept in [${LOG_VAR_RANGE[0]}, ${LOG_VAR_RANGE[1]}] (${LOG_VAR_CLAMP === 'soft' ? 'soft clamp' : 'hard clip'}); ${
    config.recon === 'bce' ? 'Bernoulli likelihood (BCE with logits)' : 'squared error of sigmoid(logits)'
  } summed over pixels;
KL(q(z|x) || N(0, I)) summed over latent dimensions; loss = recon + beta * KL, averaged over the batch.
${INIT === 'glorot' ? 'Glorot-uniform weights and zero biases' : "PyTorch's default nn.Linear init, U(+-1/sqrt(fan_in))"}, as in the app (the random numbers themselves differ);
the app's optimizer settings and its seeded shuffle, so batches come in the app's order.

Train on the app's own digits and fixed split (for a like-for-like comparison with the app):
    python ${pytorchScriptFileName(config)} --packed-mnist path/to/static/data/mnist.bin

Run on one device (CUDA if available, else CPU):
    python ${pytorchScriptFileName(config)} --epochs ${epochs}
Run on N GPUs with DistributedDataParallel (--batch is the global batch, split across processes):
    torchrun --nproc_per_node N ${pytorchScriptFileName(config)} --epochs ${epochs}
Needs: torch, and torchvision unless --packed-mnist is given (MNIST is downloaded into --data-dir on first use).
"""
import argparse
import math
import os
import random
import struct

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

# --- Settings exported from the app -------------------------------------------
HIDDEN = [${config.hidden.join(', ')}]
LATENT = ${config.latent}
ACTIVATION = ${pyString(config.act)}
RECON = ${pyString(config.recon)}  # "bce" or "mse"
BETA = ${pyFloat(config.beta)}
WARMUP = ${config.warmup}  # KL warm-up steps: beta ramps linearly from 0 (0 = off)
OPTIMIZER = ${pyString(config.opt)}
LR = ${pyFloat(config.lr)}
BATCH = ${config.batch}
SEED = ${config.seed}
EPOCHS = ${epochs}
LOG_VAR_MIN, LOG_VAR_MAX = ${pyFloat(LOG_VAR_RANGE[0])}, ${pyFloat(LOG_VAR_RANGE[1])}
PIXELS = ${PIXELS}
INIT = ${pyString(INIT)}  # "glorot" or "torch" (nn.Linear's default)
LOG_VAR_CLAMP = ${pyString(LOG_VAR_CLAMP)}  # "soft" (10 * tanh(x / 10), keeps a gradient) or "hard" (clip)
ADAM_EPS = ${pyFloat(ADAM_EPSILON)}
RMSPROP_DECAY, RMSPROP_EPS = ${pyFloat(RMSPROP_DECAY)}, ${pyFloat(RMSPROP_EPSILON)}


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
${sequential(plan.encoder, 'mu and log var, side by side')}
        )
        self.decoder = nn.Sequential(
${sequential(plan.decoder, 'pixel logits')}
        )
        if INIT == "glorot":
            for module in self.modules():
                if isinstance(module, nn.Linear):
                    nn.init.xavier_uniform_(module.weight)
                    nn.init.zeros_(module.bias)
        # else: nn.Linear's own init, U(+-1/sqrt(fan_in)) for weights and biases, which the app copies.

    def encode(self, x):
        mu, log_var = self.encoder(x).chunk(2, dim=1)
        if LOG_VAR_CLAMP == "hard":
            return mu, log_var.clamp(LOG_VAR_MIN, LOG_VAR_MAX)
        mid, half = (LOG_VAR_MAX + LOG_VAR_MIN) / 2, (LOG_VAR_MAX - LOG_VAR_MIN) / 2
        return mu, mid + half * torch.tanh((log_var - mid) / half)

    def forward(self, x):
        mu, log_var = self.encode(x)
        # Reparameterization: z = mu + sigma * eps keeps the sample differentiable.
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        return self.decoder(z), mu, log_var
`;
  return `${header}${PYTORCH_BODY}`;
}
