#ifndef CMEDIAKERNELS_H
#define CMEDIAKERNELS_H

/// One fused NLMS step over `taps` coefficients (a multiple of 8):
///   w[k] += gain * older[k];  return sum(w[k] * window[k]).
/// Runs with AVX2/FMA where the CPU has them, SSE otherwise (chosen once, when the library loads).
float cmk_nlms_step(float *weights, const float *window, const float *older, int taps, float gain);

/// Advance `banks` Goertzel resonators, s[n] = x[n] + coefficient * s[n-1] - s[n-2], over `count`
/// samples. `state` holds s[n-1] of every bank followed by s[n-2] of every bank.
/// Returns the sum of the squared samples.
float cmk_goertzel_run(float *state, const float *coefficients, int banks, const float *samples, int count);

#endif
