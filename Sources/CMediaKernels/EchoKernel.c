// The echo canceller's per-sample control around the NLMS kernels: history insertion into the
// mirrored ring with the exact running energy and lag-1 product, Geigel double-talk detection,
// the NLMS gain, and the non-linear processor with comfort noise. One call per chunk keeps all
// of it in registers and out of Swift's per-sample overhead.
#include <math.h>
#include "CMediaKernels.h"

static inline void insert(cmk_echo *ec, int16_t sample)
{
    float *h = ec->history;
    int ring = ec->taps + CMK_ECHO_OLDER;
    int p = ec->position;
    int32_t x = sample;
    int32_t oldest = (int32_t)h[p + ec->taps - 1];
    int32_t beyond = (int32_t)h[p + ec->taps];
    int32_t newest = (int32_t)h[p];
    p = p == 0 ? ring - 1 : p - 1;
    ec->position = p;
    h[p] = (float)x;
    h[p + ring] = (float)x;
    ec->energy += (int64_t)x * x - (int64_t)oldest * oldest;
    ec->lag1 += (int64_t)x * newest - (int64_t)oldest * beyond;
}

static inline void detect_double_talk(cmk_echo *ec, float x, float y)
{
    float magnitude = fabsf(x);
    if (magnitude > ec->current_peak) ec->current_peak = magnitude;
    if (++ec->samples_in_block == CMK_ECHO_PEAK_BLOCK) {
        ec->block_peaks[ec->block_index] = ec->current_peak;
        ec->block_index = ec->block_index + 1 == ec->block_count ? 0 : ec->block_index + 1;
        ec->samples_in_block = 0;
        ec->current_peak = 0;
        float peak = 0;
        for (int b = 0; b < ec->block_count; b++)
            if (ec->block_peaks[b] > peak) peak = ec->block_peaks[b];
        ec->completed_peak = peak;
    }
    float far_peak = ec->completed_peak > ec->current_peak ? ec->completed_peak : ec->current_peak;
    float near = fabsf(y);
    if (near > ec->threshold * far_peak && near > 64) ec->hangover = ec->hangover_samples;
}

/* The NLMS step for a window of `energy`: worked out before the estimate is known, so that the
   division runs beside the kernel instead of after it, on the path from one sample to the next. */
static inline float step_for(const cmk_echo *ec, int64_t energy)
{
    return ec->step_size / ((float)energy + ec->regularisation);
}

static inline float gain(cmk_echo *ec, float e, float x, float y, float step)
{
    detect_double_talk(ec, x, y);
    if (ec->hangover > 0) {
        ec->hangover -= 1;
        return 0;
    }
    return step * e;
}

static inline float comfort_noise(cmk_echo *ec)
{
    uint64_t s = ec->noise_state;
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    ec->noise_state = s;
    float uniform = (float)(s >> 40) / (float)(1 << 24) - 0.5f;
    float floor = ec->noise_floor > 0 ? ec->noise_floor : 0;
    return uniform * sqrtf(12 * floor);
}

static inline float non_linear(cmk_echo *ec, float e, float x, float y)
{
    const float a = 1.0f / 128;
    ec->reference_power += a * (x * x - ec->reference_power);
    ec->received_power += a * (y * y - ec->received_power);
    ec->residual_power += a * (e * e - ec->residual_power);
    if (ec->reference_power <= 100 * 100 && ec->hangover == 0) {
        // Far end silent: what is heard is the line's background; it sets the comfort noise level.
        ec->noise_floor += (e * e - ec->noise_floor) / 2048;
        return e;
    }
    // The canceller takes most of what comes back, so it is echo: replace it with comfort noise.
    if (ec->residual_power * 8 < ec->received_power) return comfort_noise(ec);
    return e;
}

static inline int16_t to_sample(float e)
{
    if (e != e) return 0;
    if (e > 32767) e = 32767;
    if (e < -32768) e = -32768;
    return (int16_t)(e + (e < 0 ? -0.5f : 0.5f));
}

/* One sample on its own: the odd one at the end of a chunk. */
static float echo_step(cmk_echo *ec, int16_t reference, float y)
{
    insert(ec, reference);
    float estimate = cmk_nlms_step(ec->weights, ec->history + ec->position, ec->taps,
                                   ec->pending_older, ec->pending_newest);
    float x = reference;
    float e = y - estimate;
    ec->pending_older = 0;
    ec->pending_newest = gain(ec, e, x, y, step_for(ec, ec->energy));
    return ec->non_linear_processor ? non_linear(ec, e, x, y) : e;
}

void cmk_echo_process(cmk_echo *ec, const int16_t *reference, const int16_t *received, int16_t *output, int count)
{
    int i = 0;
    for (; i + 1 < count; i += 2) {
        float x1 = reference[i], x2 = reference[i + 1];
        float y1 = received[i], y2 = received[i + 1];
        insert(ec, reference[i]);
        int64_t energy1 = ec->energy;
        insert(ec, reference[i + 1]);
        int64_t energy2 = ec->energy;
        float step1 = step_for(ec, energy1), step2 = step_for(ec, energy2);
        float first, second;
        cmk_nlms_pair(ec->weights, ec->history + ec->position, ec->taps, ec->pending_older,
                      ec->pending_newest, &first, &second);
        float e1 = y1 - first;
        float g1 = gain(ec, e1, x1, y1, step1);
        float e2 = y2 - (second + g1 * (float)ec->lag1);
        float g2 = gain(ec, e2, x2, y2, step2);
        ec->pending_older = g1;
        ec->pending_newest = g2;
        if (ec->non_linear_processor) {
            e1 = non_linear(ec, e1, x1, y1);
            e2 = non_linear(ec, e2, x2, y2);
        }
        output[i] = to_sample(e1);
        output[i + 1] = to_sample(e2);
    }
    if (i < count) output[i] = to_sample(echo_step(ec, reference[i], received[i]));
}
