#ifndef CMEDIAKERNELS_H
#define CMEDIAKERNELS_H

#include <stdint.h>

/// One fused NLMS step over `taps` coefficients (a multiple of 8):
///   w[k] += gain * older[k];  return sum(w[k] * window[k]).
/// Runs with AVX2/FMA where the CPU has them, SSE otherwise (chosen once, when the library loads).
float cmk_nlms_step(float *weights, const float *window, const float *older, int taps, float gain);

/// The exact sum of x[i]^2 over `n` samples.
int64_t cmk_sum_squares(const int16_t *x, int n);

/// Goertzel filters over one block of `n` samples (1...1024): `groups` groups of 8 lanes, lane j
/// with coefficient 2cos(2 pi f_j / rate) (0 for an unused lane). Writes, per lane, the mean power
/// a sine at f_j would have (A^2/2 for amplitude A) to `powers` (8 * groups floats).
/// AVX2/FMA where the CPU has them, SSE otherwise.
void cmk_goertzel_powers(const int16_t *x, int n, const float *coefficients, int groups, float *powers);

#endif
