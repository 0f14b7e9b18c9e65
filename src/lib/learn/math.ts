/**
 * The Learn lab's pure math: information, entropy, cross-entropy and KL divergence (discrete and
 * Gaussian), the VAE terms, numerical checks and forward/reverse KL fitting. No DOM, no tfjs.
 * Every function returning an information quantity takes `unit: 'bits' | 'nats'` (default 'nats').
 */
export * from './units';
export * from './discrete';
export * from './linalg';
export * from './gaussian';
export * from './vae';
export * from './integrate';
export * from './fit';
