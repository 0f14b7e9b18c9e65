import { describe, expect, it } from 'vitest';
import {
  HALF_LOG_TWO_PI,
  assertDistribution,
  bernoulliKl,
  bernoulliNll,
  bitsToNats,
  categoricalKl,
  cholesky,
  convertUnit,
  covarianceEllipse,
  crossEntropy,
  determinant,
  entropy,
  fitStep,
  formatNumber,
  formatQuantity,
  forwardKl,
  forwardKlGradient,
  gaussianKl,
  gaussianLogPdf,
  gaussianNll,
  halfSquaredError,
  identity,
  information,
  inverse,
  isDistribution,
  klDivergence,
  klTerms,
  matMul,
  matVec,
  mixtureLogPdf,
  mixtureMoments,
  mvnKl,
  mvnLogPdf,
  natsToBits,
  normalize,
  numericalGaussianKl,
  reverseKl,
  reverseKlGradient,
  simpson,
  trace,
  transpose,
  vaeKlTerm,
  vaeObjective,
} from '../../src/lib/learn/math';
import { mulberry32 } from '../../src/lib/data/rng';
import type { FitParams, FitState, GaussianMixture1D, GaussianND, KlDirection, Matrix } from '../../src/lib/learn/math';

// ---------- seeded randomness for the independent checks ----------

/** The app's seeded PRNG, so every "random" test is reproducible. */
const makeRng = mulberry32;

/** Standard normal draws by Box–Muller. */
function makeNormal(rng: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** A random distribution over n outcomes (flat Dirichlet via normalised exponentials). */
function randomDistribution(rng: () => number, n: number): number[] {
  return normalize(Array.from({ length: n }, () => -Math.log(1 - rng())));
}

/** A random symmetric positive definite matrix A·Aᵀ + εI. */
function randomCovariance(rng: () => number, n: number): number[][] {
  const normal = makeNormal(rng);
  const a = Array.from({ length: n }, () => Array.from({ length: n }, normal));
  return matMul(a, transpose(a)).map((row, i) => row.map((v, j) => v + (i === j ? 0.3 : 0)));
}

/** Monte Carlo mean of f over samples, with its standard error. */
function monteCarlo(samples: number, f: () => number): { mean: number; stderr: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < samples; i++) {
    const v = f();
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / samples;
  return { mean, stderr: Math.sqrt((sumSq / samples - mean * mean) / samples) };
}

// ---------- units and formatting ----------

describe('units and formatting', () => {
  it('converts nats and bits', () => {
    expect(natsToBits(Math.LN2)).toBe(1);
    expect(bitsToNats(1)).toBe(Math.LN2);
    expect(convertUnit(natsToBits(0.7), 'bits', 'nats')).toBeCloseTo(0.7, 15);
    expect(convertUnit(0.7, 'nats', 'nats')).toBe(0.7);
  });

  it("prints '∞' for Infinity and never 'NaN'", () => {
    expect(formatQuantity(Infinity, 'bits')).toBe('∞ bits');
    expect(formatQuantity(NaN, 'nats')).toBe('—');
    expect(formatNumber(-Infinity)).toBe('-∞');
    expect(formatQuantity(0.020135513, 'nats')).toBe('0.0201 nats');
    expect(formatQuantity(0.020135513, 'nats', 5)).toBe('0.02014 nats');
    expect(formatQuantity(-1e-17, 'nats')).toBe('0.0000 nats'); // no "-0.0000"
    expect(formatNumber(-0.25, 2)).toBe('-0.25');
  });
});

// ---------- validation ----------

describe('distribution validation', () => {
  it('accepts probability vectors within tolerance', () => {
    expect(isDistribution([0.5, 0.3, 0.2])).toBe(true);
    expect(isDistribution([0.33, 0.33, 0.34])).toBe(true);
    expect(isDistribution([1 / 3, 1 / 3, 1 / 3])).toBe(true);
    expect(isDistribution([0.5, 0.5 + 1e-7])).toBe(true);
    expect(isDistribution([0.5, 0.5 + 1e-3])).toBe(false);
    expect(isDistribution([0.5, 0.5 + 1e-3], 1e-2)).toBe(true);
  });

  it('rejects bad inputs with helpful messages', () => {
    expect(isDistribution([])).toBe(false);
    expect(isDistribution([1.2, -0.2])).toBe(false);
    expect(isDistribution([NaN, 1])).toBe(false);
    expect(() => assertDistribution([1.2, -0.2], 'Q')).toThrow(/Q is not a probability distribution: entry 1 is negative/);
    expect(() => assertDistribution([0.2, 0.2], 'P')).toThrow(/sum to 0.4/);
    expect(() => klDivergence([0.5, 0.5], [0.2, 0.3, 0.5])).toThrow(/same number of outcomes/);
    expect(() => entropy([0.7, 0.7])).toThrow(/P is not a probability distribution/);
  });

  it('normalizes non-negative weights', () => {
    expect(normalize([1, 1, 2])).toEqual([0.25, 0.25, 0.5]);
    expect(() => normalize([0, 0])).toThrow(/all zero/);
    expect(() => normalize([1, -1])).toThrow(/Weight 1/);
    expect(() => normalize([])).toThrow(/empty/);
  });
});

// ---------- information, entropy, cross-entropy ----------

describe('information and entropy', () => {
  it('information is −log p: 0 for certainty, ∞ for impossibility', () => {
    expect(Object.is(information(1), 0)).toBe(true);
    expect(information(0)).toBe(Infinity);
    expect(information(0.5, 'bits')).toBe(1);
    expect(information(0.25, 'bits')).toBe(2);
    expect(information(Math.exp(-3))).toBeCloseTo(3, 14);
    expect(() => information(1.5)).toThrow(RangeError);
    expect(() => information(NaN)).toThrow(RangeError);
  });

  it('a fair coin has 1 bit of entropy, a certain event 0', () => {
    expect(entropy([0.5, 0.5], 'bits')).toBe(1);
    expect(entropy([0.5, 0.5])).toBeCloseTo(Math.LN2, 15);
    expect(entropy([1, 0], 'bits')).toBe(0);
    expect(entropy([1])).toBe(0);
    expect(entropy(new Array(8).fill(1 / 8), 'bits')).toBeCloseTo(3, 14);
  });

  it('cross-entropy is ∞ where Q misses an outcome P can produce', () => {
    expect(crossEntropy([0.5, 0.5], [0.5, 0.5], 'bits')).toBe(1);
    expect(crossEntropy([0.5, 0.5], [1, 0])).toBe(Infinity);
    expect(crossEntropy([1, 0], [0.5, 0.5], 'bits')).toBe(1); // P(x) = 0 terms contribute 0
  });
});

// ---------- KL divergence: worked examples from the seeds ----------

describe('KL divergence: the seed worked examples', () => {
  const P = [0.5, 0.3, 0.2];
  const Q = [0.33, 0.33, 0.34];

  it('P=[0.5,0.3,0.2], Q=[0.33,0.33,0.34] gives 0.10537 bits (≈ 0.1053, not the table’s 0.106)', () => {
    const kl = klDivergence(P, Q, 'bits');
    expect(kl).toBeCloseTo(0.105373, 6);
    expect(Math.abs(kl - 0.1053)).toBeLessThan(1e-4);
    // Rounded (not truncated) to 4 d.p. the exact value prints as 0.1054.
    expect(formatQuantity(kl, 'bits')).toBe('0.1054 bits');
    expect(klDivergence(P, Q, 'nats')).toBeCloseTo(kl * Math.LN2, 15);
  });

  it('reproduces the seed table rows, and shows that summing rows rounded to 3 d.p. gives 0.106', () => {
    const table = klTerms(P, Q, 'bits');
    const round3 = (x: number) => Math.round(x * 1000) / 1000;
    expect(table.rows.map((r) => round3(r.ratio))).toEqual([1.515, 0.909, 0.588]);
    // The seed prints 0.600 and −0.765 here (logs of its already-rounded ratios); exact logs round as below.
    expect(table.rows.map((r) => round3(r.logRatio))).toEqual([0.599, -0.138, -0.766]);
    expect(table.rows.map((r) => round3(r.contribution))).toEqual([0.3, -0.041, -0.153]);
    const sumOfRoundedRows = table.rows.reduce((s, r) => s + round3(r.contribution), 0);
    expect(round3(sumOfRoundedRows)).toBe(0.106);
    expect(table.total).toBe(klDivergence(P, Q, 'bits'));
    expect(table.rows.reduce((s, r) => s + r.contribution, 0)).toBeCloseTo(table.total, 15);
    expect(table.infinite).toBeNull();
    expect(table.unit).toBe('bits');
  });

  it('P=[0.4,0.6], Q=[0.5,0.5] gives 0.02014 nats, with the seed’s two terms', () => {
    expect(klDivergence([0.4, 0.6], [0.5, 0.5])).toBeCloseTo(0.02014, 5);
    const [first, second] = klTerms([0.4, 0.6], [0.5, 0.5]).rows;
    expect(first.contribution).toBeCloseTo(-0.0893, 4); // seed: 0.4·log 0.8 ≈ −0.08924
    expect(second.contribution).toBeCloseTo(0.1094, 4); // seed: 0.6·log 1.2 ≈ 0.10938
    expect(bernoulliKl(0.4, 0.5)).toBeCloseTo(0.02014, 5);
  });
});

// ---------- KL divergence: properties ----------

describe('KL divergence: properties', () => {
  it('is ≥ 0, = 0 iff P = Q, and H(P,Q) = H(P) + KL(P‖Q), over thousands of seeded random pairs', () => {
    const rng = makeRng(20240601);
    for (let trial = 0; trial < 3000; trial++) {
      const n = 2 + Math.floor(rng() * 9);
      const p = randomDistribution(rng, n);
      const q = randomDistribution(rng, n);
      const kl = klDivergence(p, q);
      expect(kl).toBeGreaterThan(0);
      expect(klDivergence(p, p)).toBe(0);
      expect(klDivergence(p, q, 'bits')).toBeCloseTo(kl / Math.LN2, 12);
      expect(crossEntropy(p, q)).toBeCloseTo(entropy(p) + kl, 12);
      // A tiny move of mass between two outcomes is still strictly positive.
      const nudged = [...p];
      const delta = 1e-3 * Math.min(p[0], p[1]);
      nudged[0] -= delta;
      nudged[1] += delta;
      expect(klDivergence(p, nudged)).toBeGreaterThan(0);
    }
  });

  it('is not symmetric', () => {
    const P = [0.5, 0.3, 0.2];
    const Q = [0.33, 0.33, 0.34];
    expect(klDivergence(Q, P)).toBeCloseTo(0.074746, 6);
    expect(klDivergence(P, Q)).not.toBeCloseTo(klDivergence(Q, P), 3);
    expect(klDivergence([0.9, 0.1], [0.5, 0.5])).toBeCloseTo(0.368064, 6);
    expect(klDivergence([0.5, 0.5], [0.9, 0.1])).toBeCloseTo(0.510826, 6);
  });

  it('is ∞ when Q has a zero where P does not, and says which outcome', () => {
    expect(klDivergence([0.5, 0.5], [1, 0])).toBe(Infinity);
    const table = klTerms([0.2, 0.5, 0.3], [0.5, 0.5, 0], 'bits');
    expect(table.total).toBe(Infinity);
    expect(table.infinite?.index).toBe(2);
    expect(table.infinite?.p).toBe(0.3);
    expect(table.infinite?.message).toMatch(/Outcome 2.*Q = 0/);
    expect(table.rows[2].ratio).toBe(Infinity);
    expect(table.rows[2].contribution).toBe(Infinity);
    expect(formatQuantity(table.total, 'bits')).toBe('∞ bits');
  });

  it('ignores outcomes with P(x) = 0 (so the reverse direction can be finite)', () => {
    expect(klDivergence([1, 0], [0.5, 0.5])).toBeCloseTo(Math.LN2, 15);
    const rows = klTerms([1, 0, 0], [0.5, 0.5, 0]).rows;
    expect(rows[1].contribution).toBe(0);
    expect(rows[1].logRatio).toBe(-Infinity);
    expect(formatNumber(rows[2].ratio)).toBe('—'); // 0/0
    expect(rows[2].contribution).toBe(0);
  });

  it('Bernoulli and categorical closed forms agree with the discrete sum', () => {
    const rng = makeRng(7);
    for (let i = 0; i < 200; i++) {
      const p = rng();
      const q = rng();
      expect(bernoulliKl(p, q)).toBeCloseTo(klDivergence([p, 1 - p], [q, 1 - q]), 12);
    }
    expect(bernoulliKl(0.3, 0.3)).toBe(0);
    expect(bernoulliKl(0.3, 0)).toBe(Infinity);
    expect(bernoulliKl(0, 0.2)).toBeCloseTo(-Math.log(0.8), 15);
    expect(bernoulliKl(1, 0.5, 'bits')).toBe(1);
    expect(categoricalKl([0.5, 0.3, 0.2], [0.33, 0.33, 0.34], 'bits')).toBeCloseTo(0.105373, 6);
    expect(() => bernoulliKl(1.5, 0.5)).toThrow(RangeError);
  });
});

// ---------- Gaussians ----------

describe('univariate Gaussian KL', () => {
  it('matches a hand-computed value and is exactly 0 for identical Gaussians', () => {
    // log 2 + (1 + 1)/(2·4) − ½
    expect(gaussianKl({ mean: 0, sd: 1 }, { mean: 1, sd: 2 })).toBeCloseTo(Math.LN2 - 0.25, 15);
    expect(gaussianKl({ mean: 0.3, sd: 1.7 }, { mean: 0.3, sd: 1.7 })).toBe(0);
    expect(gaussianKl({ mean: 0, sd: 1 }, { mean: 0, sd: 1 }, 'bits')).toBe(0);
    expect(() => gaussianKl({ mean: 0, sd: 0 }, { mean: 0, sd: 1 })).toThrow(/sd/);
  });

  it('agrees with Simpson integration of ∫ p log(p/q) over μ ± 12σ', () => {
    expect(simpson(Math.sin, 0, Math.PI, 200)).toBeCloseTo(2, 8);
    const rng = makeRng(11);
    for (let i = 0; i < 50; i++) {
      const p = { mean: 6 * rng() - 3, sd: 0.2 + 3 * rng() };
      const q = { mean: 6 * rng() - 3, sd: 0.2 + 3 * rng() };
      const closed = gaussianKl(p, q);
      expect(Math.abs(numericalGaussianKl(p, q) - closed)).toBeLessThan(1e-9 * Math.max(1, closed));
      expect(numericalGaussianKl(p, q, 'bits')).toBeCloseTo(gaussianKl(p, q, 'bits'), 8);
    }
  });

  it('is asymmetric', () => {
    const narrow = { mean: 0, sd: 1 };
    const wide = { mean: 0, sd: 3 };
    expect(gaussianKl(narrow, wide)).toBeCloseTo(Math.log(3) + 1 / 18 - 0.5, 14);
    expect(gaussianKl(wide, narrow)).toBeCloseTo(-Math.log(3) + 4.5 - 0.5, 14);
  });

  it('log-density helper is normalised', () => {
    const g = { mean: 1.5, sd: 0.7 };
    expect(simpson((x) => Math.exp(gaussianLogPdf(x, g)), -10, 13, 2000)).toBeCloseTo(1, 10);
  });
});

describe('small matrix helpers', () => {
  it('determinant, inverse, trace and Cholesky agree with each other', () => {
    const rng = makeRng(3);
    for (const n of [1, 2, 3, 4]) {
      const a = randomCovariance(rng, n);
      const l = cholesky(a);
      expect(matMul(l, transpose(l)).flat().map((v, i) => v - a.flat()[i]).every((d) => Math.abs(d) < 1e-12)).toBe(true);
      const diagProduct = l.reduce((prod, row, i) => prod * row[i] * row[i], 1);
      expect(determinant(a)).toBeCloseTo(diagProduct, 10);
      const shouldBeIdentity = matMul(a, inverse(a));
      const id = identity(n);
      expect(shouldBeIdentity.flat().every((v, i) => Math.abs(v - id.flat()[i]) < 1e-10)).toBe(true);
      expect(trace(id)).toBe(n);
    }
    expect(determinant([[0, 1], [1, 0]])).toBe(-1); // needs a pivot swap
    expect(() => inverse([[1, 2], [2, 4]])).toThrow(/singular/);
    expect(() => cholesky([[1, 2], [2, 1]])).toThrow(/positive definite/);
    expect(() => cholesky([[1, 0.5], [0, 1]])).toThrow(/symmetric/);
  });
});

describe('multivariate Gaussian KL', () => {
  /** The seed's formula written with explicit |Σ|, Σ⁻¹ and tr — an independent path from the Cholesky one. */
  function klByExplicitFormula(p: GaussianND, q: GaussianND): number {
    const qInv = inverse(q.cov);
    const diff = q.mean.map((m, i) => m - p.mean[i]);
    const quad = diff.reduce((s, d, i) => s + d * matVec(qInv, diff)[i], 0);
    return 0.5 * (Math.log(determinant(q.cov) / determinant(p.cov)) - p.mean.length + trace(matMul(qInv, p.cov)) + quad);
  }

  it('matches the explicit determinant/inverse/trace formula for random full covariances (d ≤ 4)', () => {
    const rng = makeRng(5);
    const normal = makeNormal(rng);
    for (let trial = 0; trial < 100; trial++) {
      const d = 1 + (trial % 4);
      const p = { mean: Array.from({ length: d }, normal), cov: randomCovariance(rng, d) };
      const q = { mean: Array.from({ length: d }, normal), cov: randomCovariance(rng, d) };
      const expected = klByExplicitFormula(p, q);
      expect(Math.abs(mvnKl(p, q) - expected)).toBeLessThan(1e-8 * Math.max(1, expected));
      expect(mvnKl(p, p)).toBe(0);
    }
  });

  it('reduces to the univariate formula in 1-D and to a sum of them for diagonal covariances', () => {
    expect(mvnKl({ mean: [0], cov: [[1]] }, { mean: [1], cov: [[4]] })).toBeCloseTo(gaussianKl({ mean: 0, sd: 1 }, { mean: 1, sd: 2 }), 14);
    const pSd = [0.5, 1.2, 2];
    const qSd = [1, 0.8, 3];
    const pMean = [0.1, -1, 2];
    const qMean = [0, 0.5, 1];
    const diag = (sd: number[]) => sd.map((s, i) => sd.map((_, j) => (i === j ? s * s : 0)));
    const sumOfUnivariate = pSd.reduce(
      (sum, _, i) => sum + gaussianKl({ mean: pMean[i], sd: pSd[i] }, { mean: qMean[i], sd: qSd[i] }),
      0,
    );
    expect(mvnKl({ mean: pMean, cov: diag(pSd) }, { mean: qMean, cov: diag(qSd) })).toBeCloseTo(sumOfUnivariate, 13);
    expect(mvnKl({ mean: pMean, cov: diag(pSd) }, { mean: qMean, cov: diag(qSd) }, 'bits')).toBeCloseTo(sumOfUnivariate / Math.LN2, 13);
  });

  it('reduces to the VAE term when the second Gaussian is N(0, I)', () => {
    const mu = [0.3, -1.2, 0.8, 0];
    const logVar = [-0.5, 0.2, -2, 0];
    const standardNormal = { mean: [0, 0, 0, 0], cov: identity(4) };
    const encoder = { mean: mu, cov: identity(4).map((row, i) => row.map((v) => v * Math.exp(logVar[i]))) };
    expect(mvnKl(encoder, standardNormal)).toBeCloseTo(vaeKlTerm(mu, logVar).total, 13);
  });

  it('agrees with a seeded Monte Carlo estimate of E_P[log p − log q] (full covariances, d = 2 and 3)', () => {
    const rng = makeRng(42);
    const normal = makeNormal(rng);
    const cases: [GaussianND, GaussianND][] = [
      [{ mean: [0, 0], cov: [[1, 0.8], [0.8, 1]] }, { mean: [1, -0.5], cov: [[2, -0.3], [-0.3, 0.5]] }],
      [{ mean: [1, 0, -1], cov: randomCovariance(rng, 3) }, { mean: [0, 0.5, 0], cov: randomCovariance(rng, 3) }],
    ];
    for (const [p, q] of cases) {
      const l = cholesky(p.cov);
      const estimate = monteCarlo(100_000, () => {
        const x = matVec(l, p.mean.map(normal)).map((v, i) => v + p.mean[i]);
        return mvnLogPdf(x, p) - mvnLogPdf(x, q);
      });
      expect(Math.abs(estimate.mean - mvnKl(p, q))).toBeLessThan(5 * estimate.stderr);
      expect(estimate.stderr).toBeLessThan(0.02); // the check is meaningful
    }
  });

  it('rejects invalid covariances and dimension mismatches', () => {
    expect(() => mvnKl({ mean: [0, 0], cov: [[1, 2], [2, 1]] }, { mean: [0, 0], cov: identity(2) })).toThrow(/P.cov must be positive definite/);
    expect(() => mvnKl({ mean: [0], cov: [[1]] }, { mean: [0, 0], cov: identity(2) })).toThrow(/dimension/);
  });
});

describe('covariance ellipse', () => {
  it('axis-aligned and rotated covariances give the expected radii and angle', () => {
    const aligned = covarianceEllipse([1, 2], [[4, 0], [0, 1]], 2);
    expect(aligned).toMatchObject({ cx: 1, cy: 2, rx: 4, ry: 2, angle: 0 });
    const theta = Math.PI / 6;
    const r = [[Math.cos(theta), -Math.sin(theta)], [Math.sin(theta), Math.cos(theta)]];
    const cov = matMul(matMul(r, [[9, 0], [0, 1]]), transpose(r));
    const rotated = covarianceEllipse([0, 0], cov, 1);
    expect(rotated.rx).toBeCloseTo(3, 12);
    expect(rotated.ry).toBeCloseTo(1, 12);
    expect(rotated.angle).toBeCloseTo(theta, 12);
    expect(rotated.angleDegrees).toBeCloseTo(30, 10);
    expect(covarianceEllipse([0, 0], [[1, 0], [0, 4]]).angle).toBeCloseTo(Math.PI / 2, 12);
  });

  it('points on the ellipse are at Mahalanobis distance nStd', () => {
    const cov: Matrix = [[2, 0.9], [0.9, 1]];
    const e = covarianceEllipse([0.5, -1], cov, 2);
    const covInv = inverse(cov);
    for (const t of [0, 0.7, 2, 4]) {
      const local = [e.rx * Math.cos(t), e.ry * Math.sin(t)];
      const d = [
        local[0] * Math.cos(e.angle) - local[1] * Math.sin(e.angle),
        local[0] * Math.sin(e.angle) + local[1] * Math.cos(e.angle),
      ];
      expect(d.reduce((s, di, i) => s + di * matVec(covInv, d)[i], 0)).toBeCloseTo(4, 10);
    }
  });
});

// ---------- VAE terms ----------

describe('VAE KL term and reconstruction likelihoods', () => {
  it('½ Σ (μ² + σ² − 1 − log σ²) per dimension, 0 exactly at the prior', () => {
    const { perDimension, total } = vaeKlTerm([0, 1, 0], [0, 0, Math.log(4)]);
    expect(perDimension[0]).toBe(0);
    expect(perDimension[1]).toBeCloseTo(0.5, 15);
    expect(perDimension[2]).toBeCloseTo(0.5 * (4 - 1 - Math.log(4)), 15);
    expect(total).toBeCloseTo(perDimension.reduce((a, b) => a + b, 0), 15);
    expect(vaeKlTerm([1], [0], 'bits').total).toBeCloseTo(0.5 / Math.LN2, 15);
    // Near σ = 1 the term is ≈ (log σ²)²/4; the naive σ² − 1 − log σ² would cancel to 0 here.
    expect(vaeKlTerm([0], [1e-9]).total).toBeCloseTo(2.5e-19, 25);
    expect(vaeKlTerm([0], [1e-9]).total).toBeGreaterThan(0);
    expect(() => vaeKlTerm([0, 1], [0])).toThrow(/same length/);
  });

  it('agrees with a seeded Monte Carlo estimate of E_q[log q(z) − log N(z; 0, I)]', () => {
    const rng = makeRng(99);
    const normal = makeNormal(rng);
    const mu = [0.8, -0.4, 1.5];
    const logVar = [-1, 0.5, -0.2];
    const sd = logVar.map((lv) => Math.exp(lv / 2));
    const estimate = monteCarlo(100_000, () =>
      mu.reduce((sum, m, j) => {
        const z = m + sd[j] * normal();
        return sum + gaussianLogPdf(z, { mean: m, sd: sd[j] }) - gaussianLogPdf(z, { mean: 0, sd: 1 });
      }, 0),
    );
    expect(Math.abs(estimate.mean - vaeKlTerm(mu, logVar).total)).toBeLessThan(5 * estimate.stderr);
  });

  it('Bernoulli NLL is the per-pixel BCE', () => {
    expect(bernoulliNll(1, 0.8)).toBeCloseTo(-Math.log(0.8), 15);
    expect(bernoulliNll(0, 0.8)).toBeCloseTo(-Math.log(0.2), 15);
    expect(bernoulliNll(0.3, 0.6)).toBeCloseTo(-(0.3 * Math.log(0.6) + 0.7 * Math.log(0.4)), 15);
    expect(bernoulliNll(1, 1)).toBe(0);
    expect(bernoulliNll(1, 0)).toBe(Infinity);
    expect(bernoulliNll(1, 0.5, 'bits')).toBe(1);
    // For a grey target the minimum is at x̂ = x and equals the target's own entropy.
    expect(bernoulliNll(0.3, 0.3)).toBeCloseTo(entropy([0.3, 0.7]), 15);
  });

  it('Gaussian NLL with σ = 1 is ½(x − x̂)² plus exactly ½ log 2π', () => {
    expect(HALF_LOG_TWO_PI).toBeCloseTo(0.918939, 6);
    for (const [x, xHat] of [[0.2, 0.9], [1, 0], [0.5, 0.5]]) {
      expect(gaussianNll(x, xHat) - halfSquaredError(x, xHat)).toBeCloseTo(HALF_LOG_TWO_PI, 14);
      expect(gaussianNll(x, xHat, 0.3)).toBeCloseTo(-gaussianLogPdf(x, { mean: xHat, sd: 0.3 }), 14);
    }
    expect(halfSquaredError(1, 0)).toBe(0.5);
  });

  it('the loss is reconstruction + KL and the ELBO is its negative (maximized)', () => {
    const recon = 80;
    const kl = 12;
    const { loss, elbo } = vaeObjective(recon, kl);
    expect(loss).toBe(92);
    expect(elbo).toBe(-92);
    // The seed's "E[log p(x|z)] − KL" is this ELBO, not the loss.
    expect(elbo).toBe(-recon - kl);
  });
});

// ---------- forward vs reverse KL fitting ----------

describe('forward vs reverse KL fitting', () => {
  const bimodal: GaussianMixture1D = { weights: [0.5, 0.5], means: [-3, 3], sds: [1, 1] };
  const lopsided: GaussianMixture1D = { weights: [0.3, 0.7], means: [-2, 3], sds: [0.8, 1.2] };

  function run(target: GaussianMixture1D, q: FitParams, direction: KlDirection, lr: number, steps: number): FitParams {
    let state: FitState = { target, q, iteration: 0 };
    for (let i = 0; i < steps; i++) state = fitStep(state, direction, lr).state;
    return state.q;
  }

  it('mixture density and moments are right', () => {
    expect(mixtureMoments(lopsided).mean).toBeCloseTo(1.5, 14);
    expect(mixtureMoments(lopsided).variance).toBeCloseTo(6.45, 13);
    expect(simpson((x) => Math.exp(mixtureLogPdf(x, lopsided)), -15, 20, 4000)).toBeCloseTo(1, 10);
    expect(Number.isFinite(mixtureLogPdf(1e4, bimodal))).toBe(true); // log-sum-exp, no −∞
  });

  it('grid KLs match the closed form when the mixture is a single Gaussian', () => {
    const single: GaussianMixture1D = { weights: [1], means: [0.5], sds: [1.3] };
    const q = { mu: -0.4, logSigma: Math.log(0.7) };
    const qGaussian = { mean: q.mu, sd: Math.exp(q.logSigma) };
    expect(forwardKl(single, q)).toBeCloseTo(gaussianKl({ mean: 0.5, sd: 1.3 }, qGaussian), 9);
    expect(reverseKl(single, q)).toBeCloseTo(gaussianKl(qGaussian, { mean: 0.5, sd: 1.3 }), 9);
    expect(reverseKl(single, q, 'bits')).toBeCloseTo(gaussianKl(qGaussian, { mean: 0.5, sd: 1.3 }, 'bits'), 9);
  });

  it('gradients agree with central finite differences of the grid KLs', () => {
    const h = 1e-5;
    for (const [target, q] of [
      [lopsided, { mu: 0.4, logSigma: 0.3 }],
      [bimodal, { mu: 1.2, logSigma: -0.2 }],
    ] as const) {
      for (const [kl, grad] of [
        [forwardKl, forwardKlGradient],
        [reverseKl, reverseKlGradient],
      ] as const) {
        const g = grad(target, q);
        const dMu = (kl(target, { ...q, mu: q.mu + h }) - kl(target, { ...q, mu: q.mu - h })) / (2 * h);
        const dLogSigma = (kl(target, { ...q, logSigma: q.logSigma + h }) - kl(target, { ...q, logSigma: q.logSigma - h })) / (2 * h);
        expect(g.mu).toBeCloseTo(dMu, 5);
        expect(g.logSigma).toBeCloseTo(dLogSigma, 5);
      }
    }
  });

  it('forward KL converges to moment matching (mean-seeking)', () => {
    for (const target of [lopsided, bimodal]) {
      const { mean, variance } = mixtureMoments(target);
      const fitted = run(target, { mu: -4, logSigma: 0 }, 'forward', 0.2, 2000);
      expect(fitted.mu).toBeCloseTo(mean, 4);
      expect(Math.exp(2 * fitted.logSigma)).toBeCloseTo(variance, 3);
    }
    // For the symmetric bimodal target the forward fit sits between the modes, where P has little mass.
    const wide = run(bimodal, { mu: 2.5, logSigma: 0 }, 'forward', 0.2, 2000);
    expect(wide.mu).toBeCloseTo(0, 4);
    expect(Math.exp(wide.logSigma)).toBeCloseTo(Math.sqrt(10), 3);
  });

  it('reverse KL lands on one mode when the modes are well separated (mode-seeking)', () => {
    const separated: GaussianMixture1D = { weights: [0.5, 0.5], means: [-4, 4], sds: [1, 1] };
    const right = run(separated, { mu: 1, logSigma: Math.log(0.5) }, 'reverse', 0.1, 800);
    expect(right.mu).toBeCloseTo(4, 2);
    expect(Math.exp(right.logSigma)).toBeCloseTo(1, 2);
    // Q covers half of P's mass, so KL(Q‖P) ≈ log(1/0.5) = log 2 there.
    expect(reverseKl(separated, right)).toBeCloseTo(Math.LN2, 3);

    const left = run(separated, { mu: -2, logSigma: 0 }, 'reverse', 0.1, 800);
    expect(left.mu).toBeCloseTo(-4, 2);
    expect(Math.exp(left.logSigma)).toBeCloseTo(1, 2);

    const heavyMode = run(lopsided, { mu: 2, logSigma: 0 }, 'reverse', 0.1, 800);
    // Modes 5 apart with sds 0.8 and 1.2 still interact a little: Q sits on the heavy mode, slightly pulled in.
    expect(Math.abs(heavyMode.mu - 3)).toBeLessThan(0.15);
    const heavySd = Math.exp(heavyMode.logSigma); // ≈ 1.34: near the mode's 1.2, far below the mixture's 2.54
    expect(heavySd).toBeGreaterThan(1.1);
    expect(heavySd).toBeLessThan(1.5);

    // The two directions disagree: the forward fit's wide Gaussian is a poor reverse-KL fit and vice versa.
    const { mean, variance } = mixtureMoments(separated);
    const momentMatched = { mu: mean, logSigma: 0.5 * Math.log(variance) };
    expect(forwardKl(separated, momentMatched)).toBeLessThan(forwardKl(separated, right));
    expect(reverseKl(separated, right)).toBeLessThan(reverseKl(separated, momentMatched));
  });

  it('reverse KL also has a broad between-modes local minimum, reached from wide starts', () => {
    // From a start wider than the modes, descent settles on μ = 0 with σ ≈ 2.74: a genuine local
    // minimum (the μ-curvature 1 − 2d/(σ√(2π)) is positive there), but worse than sitting on a mode.
    const broad = run(bimodal, { mu: 1, logSigma: Math.log(1.5) }, 'reverse', 0.1, 800);
    expect(broad.mu).toBeCloseTo(0, 3);
    expect(Math.exp(broad.logSigma)).toBeCloseTo(2.744, 2);
    const onMode = run(bimodal, { mu: 2, logSigma: 0 }, 'reverse', 0.1, 800);
    expect(onMode.mu).toBeCloseTo(2.984, 2);
    expect(reverseKl(bimodal, onMode)).toBeLessThan(reverseKl(bimodal, broad));
  });

  it('steps are clipped and parameters stay finite and bounded even with absurd learning rates', () => {
    let state: FitState = { target: bimodal, q: { mu: 40, logSigma: -4 }, iteration: 0 };
    for (const direction of ['forward', 'reverse'] as const) {
      for (let i = 0; i < 200; i++) {
        const result = fitStep(state, direction, 1e6, { maxStep: 0.5 });
        const moved = Math.hypot(result.state.q.mu - state.q.mu, result.state.q.logSigma - state.q.logSigma);
        expect(moved).toBeLessThanOrEqual(0.5 + 1e-12);
        expect(Number.isFinite(result.state.q.mu) && Number.isFinite(result.state.q.logSigma)).toBe(true);
        expect(Number.isFinite(result.kl)).toBe(true);
        expect(Math.exp(result.state.q.logSigma)).toBeGreaterThanOrEqual(0.01 - 1e-12);
        expect(result.state.iteration).toBe(state.iteration + 1);
        state = result.state;
      }
    }
    expect(fitStep(state, 'forward', 0).state.q).toEqual(state.q);
    expect(() => fitStep(state, 'forward', -1)).toThrow(/Learning rate/);
    expect(() => fitStep(state, 'forward', NaN)).toThrow(/Learning rate/);
    expect(() => fitStep({ ...state, target: { weights: [0.5, 0.6], means: [0, 1], sds: [1, 1] } }, 'forward', 0.1)).toThrow(/sum to 1/);
  });
});
