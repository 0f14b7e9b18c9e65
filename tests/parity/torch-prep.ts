/**
 * Writes what the PyTorch side needs: the exported script for the default
 * configuration and the app's packed digit file (the same bytes the page loads).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../src/lib/config/types';
import { writePackedMnist } from '../../src/lib/data/mnist-source';
import { pytorchScript } from '../../src/lib/share/pytorch-script';

export function prepare(dir: string): { script: string; dataFile: string } {
  const script = join(dir, `vae_default-${process.pid}.py`);
  writeFileSync(script, pytorchScript({ ...DEFAULT_CONFIG, hidden: [...DEFAULT_CONFIG.hidden] }));
  const dataFile = join(dir, 'mnist.bin');
  writePackedMnist(dataFile);
  return { script, dataFile };
}
