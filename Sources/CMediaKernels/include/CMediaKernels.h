#ifndef CMEDIAKERNELS_H
#define CMEDIAKERNELS_H

/// One fused NLMS step over `taps` coefficients (a multiple of 8):
///   w[k] += gain * older[k];  return sum(w[k] * window[k]).
/// Runs with AVX2/FMA where the CPU has them, SSE otherwise (chosen once, when the library loads).
float cmk_nlms_step(float *weights, const float *window, const float *older, int taps, float gain);

#endif
