/** Small dense-matrix helpers for the low-dimensional Gaussians of the lab (n ≤ ~10). */
export type Matrix = readonly (readonly number[])[];

export function assertSquare(a: Matrix, name = 'matrix'): number {
  const n = a.length;
  if (n === 0 || a.some((row) => row.length !== n)) throw new RangeError(`${name} must be a non-empty square matrix`);
  return n;
}

export function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

export function trace(a: Matrix): number {
  const n = assertSquare(a);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i][i];
  return sum;
}

export function matMul(a: Matrix, b: Matrix): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((sum, aik, k) => sum + aik * b[k][j], 0)));
}

export function matVec(a: Matrix, x: readonly number[]): number[] {
  return a.map((row) => row.reduce((sum, aij, j) => sum + aij * x[j], 0));
}

export function transpose(a: Matrix): number[][] {
  return a[0].map((_, j) => a.map((row) => row[j]));
}

/** Gaussian elimination with partial pivoting: returns the row-echelon form and the pivot sign. */
function eliminate(a: Matrix, rhs: Matrix): { u: number[][]; x: number[][]; sign: number } {
  const n = assertSquare(a);
  const u = a.map((row) => [...row]);
  const x = rhs.map((row) => [...row]);
  let sign = 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(u[r][col]) > Math.abs(u[pivot][col])) pivot = r;
    if (pivot !== col) {
      [u[col], u[pivot]] = [u[pivot], u[col]];
      [x[col], x[pivot]] = [x[pivot], x[col]];
      sign = -sign;
    }
    if (u[col][col] === 0) continue; // singular: determinant 0, inverse rejected by the caller
    for (let r = col + 1; r < n; r++) {
      const factor = u[r][col] / u[col][col];
      if (factor === 0) continue;
      for (let c = col; c < n; c++) u[r][c] -= factor * u[col][c];
      for (let c = 0; c < x[r].length; c++) x[r][c] -= factor * x[col][c];
    }
  }
  return { u, x, sign };
}

export function determinant(a: Matrix): number {
  const { u, sign } = eliminate(a, a.map(() => []));
  return u.reduce((product, row, i) => product * row[i], sign);
}

export function inverse(a: Matrix): number[][] {
  const n = assertSquare(a);
  const { u, x } = eliminate(a, identity(n));
  for (let i = n - 1; i >= 0; i--) {
    if (u[i][i] === 0) throw new RangeError('Matrix is singular and has no inverse');
    for (let c = 0; c < n; c++) {
      let value = x[i][c];
      for (let k = i + 1; k < n; k++) value -= u[i][k] * x[k][c];
      x[i][c] = value / u[i][i];
    }
  }
  return x;
}

/**
 * Lower-triangular L with L·Lᵀ = A. Throws for a matrix that is not symmetric positive definite,
 * which is exactly the condition for a valid (non-degenerate) covariance.
 */
export function cholesky(a: Matrix, name = 'matrix'): number[][] {
  const n = assertSquare(a, name);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const scale = Math.max(Math.abs(a[i][j]), Math.abs(a[j][i]), 1e-300);
      if (Math.abs(a[i][j] - a[j][i]) > 1e-9 * scale) throw new RangeError(`${name} must be symmetric`);
    }
  }
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let diagonal = a[j][j];
    for (let k = 0; k < j; k++) diagonal -= l[j][k] * l[j][k];
    if (!(diagonal > 0)) throw new RangeError(`${name} must be positive definite`);
    l[j][j] = Math.sqrt(diagonal);
    for (let i = j + 1; i < n; i++) {
      let value = a[i][j];
      for (let k = 0; k < j; k++) value -= l[i][k] * l[j][k];
      l[i][j] = value / l[j][j];
    }
  }
  return l;
}

/** Solves L·X = B for lower-triangular L by forward substitution (B given column-wise as a matrix). */
export function solveLower(l: Matrix, b: Matrix): number[][] {
  const n = l.length;
  const x = b.map((row) => [...row]);
  for (let c = 0; c < b[0].length; c++) {
    for (let i = 0; i < n; i++) {
      let value = b[i][c];
      for (let k = 0; k < i; k++) value -= l[i][k] * x[k][c];
      x[i][c] = value / l[i][i];
    }
  }
  return x;
}

/** log|A| from its Cholesky factor: 2 Σ log Lᵢᵢ (no overflow for large or tiny determinants). */
export function logDetFromCholesky(l: Matrix): number {
  return 2 * l.reduce((sum, row, i) => sum + Math.log(row[i]), 0);
}
