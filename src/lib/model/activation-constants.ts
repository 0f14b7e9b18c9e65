/** Slope of leaky ReLU on the negative side, shared by the tfjs layers and the main-thread decoder. */
export const LEAKY_ALPHA = 0.2;
