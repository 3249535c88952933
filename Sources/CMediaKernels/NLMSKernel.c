// The echo canceller's inner loop, in C so it can use AVX2/FMA when the CPU has them without
// building the whole engine for one CPU generation.
#include <immintrin.h>
#include "CMediaKernels.h"

__attribute__((target("avx2,fma")))
static float nlms_step_avx2(float *w, const float *x, const float *older, int taps, float gain)
{
    __m256 g = _mm256_set1_ps(gain);
    /* Four accumulators hide the FMA latency. */
    __m256 acc[4] = { _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps() };
    int k = 0;
    for (; k + 32 <= taps; k += 32) {
        for (int j = 0; j < 4; j++) {
            int o = k + 8 * j;
            __m256 wj = _mm256_fmadd_ps(g, _mm256_loadu_ps(older + o), _mm256_loadu_ps(w + o));
            _mm256_storeu_ps(w + o, wj);
            acc[j] = _mm256_fmadd_ps(wj, _mm256_loadu_ps(x + o), acc[j]);
        }
    }
    for (; k < taps; k += 8) {
        __m256 w0 = _mm256_fmadd_ps(g, _mm256_loadu_ps(older + k), _mm256_loadu_ps(w + k));
        _mm256_storeu_ps(w + k, w0);
        acc[0] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + k), acc[0]);
    }
    __m256 sum = _mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3]));
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(sum), _mm256_extractf128_ps(sum, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

static float nlms_step_sse(float *w, const float *x, const float *older, int taps, float gain)
{
    __m128 g = _mm_set1_ps(gain);
    __m128 acc0 = _mm_setzero_ps();
    __m128 acc1 = _mm_setzero_ps();
    for (int k = 0; k < taps; k += 8) {
        __m128 w0 = _mm_add_ps(_mm_loadu_ps(w + k), _mm_mul_ps(g, _mm_loadu_ps(older + k)));
        __m128 w1 = _mm_add_ps(_mm_loadu_ps(w + k + 4), _mm_mul_ps(g, _mm_loadu_ps(older + k + 4)));
        _mm_storeu_ps(w + k, w0);
        _mm_storeu_ps(w + k + 4, w1);
        acc0 = _mm_add_ps(acc0, _mm_mul_ps(w0, _mm_loadu_ps(x + k)));
        acc1 = _mm_add_ps(acc1, _mm_mul_ps(w1, _mm_loadu_ps(x + k + 4)));
    }
    __m128 s = _mm_add_ps(acc0, acc1);
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

typedef float (*nlms_step_fn)(float *, const float *, const float *, int, float);

static nlms_step_fn nlms_step_impl = nlms_step_sse;

/* Chosen once when the library loads, before any media thread runs. */
__attribute__((constructor))
static void choose_nlms_step(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        nlms_step_impl = nlms_step_avx2;
}

float cmk_nlms_step(float *weights, const float *window, const float *older, int taps, float gain)
{
    return nlms_step_impl(weights, window, older, taps, gain);
}
