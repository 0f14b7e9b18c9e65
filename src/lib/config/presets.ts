/** Curated starting points: each is just a link query plus what to look for. */

export interface Preset {
  id: string;
  title: string;
  /** Query string without the leading '?'; '' means all defaults. */
  query: string;
  /** One sentence: what to notice when you train it. */
  notice: string;
}

export const PRESETS: readonly Preset[] = Object.freeze([
  {
    id: 'default',
    title: 'The standard VAE',
    query: '',
    notice: 'A β = 1 VAE with a 2-D latent on MNIST: watch the digits sort themselves into regions of the latent map as the loss falls.',
  },
  {
    id: 'beta-4',
    title: 'β = 4: smoother, blurrier',
    query: 'beta=4',
    notice: 'A heavier KL term makes reconstructions blurrier, but the codes pack more evenly around the origin, so samples from the prior look more like real digits.',
  },
  {
    id: 'beta-0',
    title: 'β = 0: a plain autoencoder',
    query: 'beta=0',
    notice: 'With no KL term reconstructions are sharp, but the codes spread out with empty gaps between them, so many samples from the prior decode to nothing recognizable.',
  },
  {
    id: 'posterior-collapse',
    title: 'Posterior collapse',
    query: 'beta=20',
    notice: 'The KL penalty wins: the KL drops toward 0, every image gets nearly the same code, and the decoder ignores z and draws one blurry average digit.',
  },
  {
    id: 'mse',
    title: 'MSE instead of BCE',
    query: 'recon=mse',
    notice: 'A fixed-variance Gaussian likelihood punishes pixel errors more gently than BCE, so the KL term gets relatively more say: compare the loss scale and how soft the images look.',
  },
  {
    id: 'kl-warmup',
    title: 'KL warm-up',
    query: 'warmup=2000',
    notice: 'β ramps from 0 to 1 over 2,000 steps: the KL climbs while the model behaves like an autoencoder, then is squeezed back down as the penalty grows, a common cure for collapse.',
  },
  {
    id: 'lr-too-high',
    title: 'Learning rate too high',
    query: 'lr=0.5',
    notice: 'Steps this large overshoot, so the loss jumps around and can blow up; if it becomes non-finite, the app pauses training, says so, and rolls the weights back to the last good snapshot.',
  },
  {
    id: 'latent-16',
    title: '16-D latent, sliced',
    query: 'latent=16&padx=3&pady=7',
    notice: 'Sixteen dimensions give sharper reconstructions; the pad now sets dimensions 3 and 7 and holds the other 14 at 0, the prior mean: a 2-D slice through the space, not the whole of it.',
  },
  {
    id: 'shapes',
    title: 'Synthetic shapes',
    query: 'data=shapes',
    notice: 'Simple generated shapes instead of digits: see which differences between them the 2-D latent map spreads out along its axes.',
  },
]);
