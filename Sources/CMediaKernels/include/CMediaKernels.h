#ifndef CMEDIAKERNELS_H
#define CMEDIAKERNELS_H

#include <stdint.h>

/// The echo canceller's NLMS kernels. `x` points at the newest sample of a reference history
/// stored newest first, so `x + j` is the window (of `taps` samples) j samples older. `taps` is a
/// multiple of 8. They run with AVX2/FMA where the CPU has them, SSE otherwise (chosen once, when
/// the library loads).

/// One sample: w += g_older * (x + 2) + g_old * (x + 1); return w . x.
float cmk_nlms_step(float *weights, const float *x, int taps, float g_older, float g_old);

/// Two samples in one pass over the weights (each weight read and written once for both):
///   w += g_older * (x + 3) + g_old * (x + 2);  *dot_first = w . (x + 1);  *dot_second = w . x.
/// The caller finishes the second sample exactly with the first sample's gain g1:
///   y2 = dot_second + g1 * ((x + 1) . x), keeping that lag-1 product up to date as it slides.
void cmk_nlms_pair(float *weights, const float *x, int taps, float g_older, float g_old,
                   float *dot_first, float *dot_second);

/// The whole state of one line echo canceller (NLMS with Geigel double talk detection and a
/// non-linear processor), so that a chunk is processed in one C call with no per-sample crossing
/// of the Swift boundary. Swift allocates the three buffers and fills the settings; every other
/// field starts at zero except `noise_floor` and `noise_state`.
///
/// The reference history is a ring of `taps + CMK_ECHO_OLDER` samples stored twice in a row
/// (each sample is written at `position` and `position + ring`), so the window the kernels read,
/// newest first from `position`, is always contiguous and nothing is ever slid. Its energy and
/// lag-1 product are kept exactly in integers (the samples are 16-bit), so they never drift.
#define CMK_ECHO_OLDER 8
#define CMK_ECHO_PEAK_BLOCK 32
typedef struct {
    int taps;
    float step_size;
    float threshold;
    int hangover_samples;
    int non_linear_processor;
    float regularisation;
    float *weights;          /* taps */
    float *history;          /* 2 * (taps + CMK_ECHO_OLDER): the ring, twice */
    float *block_peaks;      /* block_count */
    int block_count;
    int position;            /* newest sample, 0 ..< taps + CMK_ECHO_OLDER */
    int64_t energy;          /* sum of the window's squares */
    int64_t lag1;            /* sum of the window times itself one sample older */
    float pending_newest;
    float pending_older;
    int block_index;
    int samples_in_block;
    float current_peak;
    float completed_peak;
    int hangover;
    float reference_power;
    float received_power;
    float residual_power;
    float noise_floor;
    uint64_t noise_state;
} cmk_echo;

/// Cancel echo on `count` samples: `reference` was sent to the line, `received` came back;
/// `output` gets the near end with the echo removed (may alias `received`).
void cmk_echo_process(cmk_echo *ec, const int16_t *reference, const int16_t *received, int16_t *output, int count);

/// Ask the cache for `bytes` from `address` (a hint: nothing is read, nothing can fault).
void cmk_prefetch(const void *address, int bytes);

/// Prefetch the canceller's control fields: the first stage, two channels ahead.
void cmk_echo_prefetch_state(const cmk_echo *ec);

/// Where in `history` the next `chunk` samples of `ec` are written (both copies) and read: one or two
/// half-open ranges of indices, `[ranges[0], ranges[1])` and (when the chunk wraps the ring)
/// `[ranges[2], ranges[3])`; returns how many.
int cmk_echo_next_window(const cmk_echo *ec, int chunk, int ranges[4]);

/// Prefetch what the next `chunk` samples of `ec` touch: the weights and the part of the history
/// ring they insert into and read (reads `ec`'s fields: prefetch them with
/// `cmk_echo_prefetch_state` a channel earlier).
void cmk_echo_prefetch_window(const cmk_echo *ec, int chunk);

/// The exact sum of x[i]^2 over `n` samples.
int64_t cmk_sum_squares(const int16_t *x, int n);

/// Goertzel filters over one block of `n` samples (1...1024): `groups` groups of 8 lanes, lane j
/// with coefficient 2cos(2 pi f_j / rate) (0 for an unused lane). Writes, per lane, the mean power
/// a sine at f_j would have (A^2/2 for amplitude A) to `powers` (8 * groups floats).
/// AVX2/FMA where the CPU has them, SSE otherwise.
void cmk_goertzel_powers(const int16_t *x, int n, const float *coefficients, int groups, float *powers);

/// Advance `banks` Goertzel resonators, s[n] = x[n] + coefficient * s[n-1] - s[n-2], over `count`
/// samples. `state` holds s[n-1] of every bank followed by s[n-2] of every bank.
/// Returns the sum of the squared samples.
float cmk_goertzel_run(float *state, const float *coefficients, int banks, const float *samples, int count);

#endif
