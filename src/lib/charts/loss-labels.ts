import { POINT_SIGMA, type ReconTerm } from '../model/recon-term';

/**
 * What the loss numbers are called, for the readouts and the chart. With BCE
 * the reconstruction is a negative log-likelihood in nats, so recon + KL is
 * −ELBO; squared error has no unit and recon + KL is no ELBO, so the labels
 * say what is added instead.
 */
export interface LossLabels {
  recon: string;
  /** The training total, recon + β·KL. */
  total: (beta: number) => string;
  /** The test total, recon + KL (β = 1). */
  testTotal: string;
  /** One sentence on units. */
  unit: string;
  chartTitle: string;
}

const BCE: LossLabels = {
  recon: 'Reconstruction (BCE)',
  total: (beta) => (beta === 1 ? 'Total (−ELBO)' : `Total (BCE + ${beta.toFixed(2)}·KL)`),
  testTotal: '−ELBO',
  unit: 'Nats per image.',
  chartTitle: 'Loss per image (nats)',
};

const MSE: LossLabels = {
  recon: 'Reconstruction (squared error)',
  total: (beta) => `Total (squared error + ${beta.toFixed(2)}·KL)`,
  testTotal: 'squared error + KL',
  unit: 'Per image: squared error summed over the 784 pixels (no unit), KL in nats.',
  chartTitle: 'Loss per image (squared error + KL)',
};

const GAUSSIAN: LossLabels = {
  recon: 'Reconstruction (Gaussian NLL)',
  total: (beta) => (beta === 1 ? 'Total (−ELBO)' : `Total (NLL + ${beta.toFixed(2)}·KL)`),
  testTotal: '−ELBO',
  unit: `Nats per point. The decoder is a Gaussian with σ = ${POINT_SIGMA}, a density, so the reconstruction term can go below 0.`,
  chartTitle: 'Loss per point (nats)',
};

export function lossLabels(recon: ReconTerm): LossLabels {
  return recon === 'gaussian' ? GAUSSIAN : recon === 'mse' ? MSE : BCE;
}
