/**
 * The tfjs wasm kernels that a model's first steps need: making the model,
 * the step-0 test measurement (and its example reconstructions), training with every activation, loss and
 * optimizer, the live codes, snapshots, checkpoints and their restore
 * (tests/unit/wasm-first-kernels.test.ts records them and checks this list).
 * Only these load with the backend; tfjs's other ~140 wasm kernels follow
 * after the first step (see completeWasmKernels), so that the first step
 * never waits for code it does not run.
 */
import { registerKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { addConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Add';
import { batchMatMulConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/BatchMatMul';
import { gatherV2Config } from '@tensorflow/tfjs-backend-wasm/dist/kernels/GatherV2';
import { identityConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Identity';
import { multiplyConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Multiply';
import { powConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Pow';
import { realDivConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/RealDiv';
import { reshapeConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Reshape';
import { sigmoidConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Sigmoid';
import { sliceConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Slice';
import { softplusConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Softplus';
import { sqrtConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Sqrt';
import { squareConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Square';
import { squaredDifferenceConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/SquaredDifference';
import { subConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Sub';
import { sumConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Sum';
import { tanhConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Tanh';
import { transposeConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Transpose';
import { zerosLikeConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/ZerosLike';
import { _fusedMatMulConfig } from '@tensorflow/tfjs-backend-wasm/dist/kernels/_FusedMatMul';

export const FIRST_STEP_KERNELS: KernelConfig[] = [
  addConfig,
  batchMatMulConfig,
  gatherV2Config,
  identityConfig,
  multiplyConfig,
  powConfig,
  realDivConfig,
  reshapeConfig,
  sigmoidConfig,
  sliceConfig,
  softplusConfig,
  sqrtConfig,
  squareConfig,
  squaredDifferenceConfig,
  subConfig,
  sumConfig,
  tanhConfig,
  transposeConfig,
  zerosLikeConfig,
  _fusedMatMulConfig,
];

FIRST_STEP_KERNELS.forEach(registerKernel);
