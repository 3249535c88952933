// The echo canceller's inner loops, in C so they can use AVX2/FMA when the CPU has them without
// building the whole engine for one CPU generation. Two samples share one pass over the weights:
// the pass is bound by loads and stores of the weights, so this halves the canceller's cost.
#include <immintrin.h>
#include "CMediaKernels.h"

__attribute__((target("avx2,fma")))
static inline float hsum256(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

static inline float hsum128(__m128 s)
{
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma")))
static float step_avx2(float *w, const float *x, int taps, float g_older, float g_old)
{
    __m256 g2 = _mm256_set1_ps(g_older), g1 = _mm256_set1_ps(g_old);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int k = 0;
    for (; k + 16 <= taps; k += 16) {
        __m256 w0 = _mm256_loadu_ps(w + k), w1 = _mm256_loadu_ps(w + k + 8);
        w0 = _mm256_fmadd_ps(g2, _mm256_loadu_ps(x + k + 2), w0);
        w1 = _mm256_fmadd_ps(g2, _mm256_loadu_ps(x + k + 10), w1);
        w0 = _mm256_fmadd_ps(g1, _mm256_loadu_ps(x + k + 1), w0);
        w1 = _mm256_fmadd_ps(g1, _mm256_loadu_ps(x + k + 9), w1);
        _mm256_storeu_ps(w + k, w0);
        _mm256_storeu_ps(w + k + 8, w1);
        acc0 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + k), acc0);
        acc1 = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x + k + 8), acc1);
    }
    for (; k < taps; k += 8) {
        __m256 w0 = _mm256_loadu_ps(w + k);
        w0 = _mm256_fmadd_ps(g2, _mm256_loadu_ps(x + k + 2), w0);
        w0 = _mm256_fmadd_ps(g1, _mm256_loadu_ps(x + k + 1), w0);
        _mm256_storeu_ps(w + k, w0);
        acc0 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + k), acc0);
    }
    return hsum256(_mm256_add_ps(acc0, acc1));
}

__attribute__((target("avx2,fma")))
static void pair_avx2(float *w, const float *x, int taps, float g_older, float g_old,
                      float *dot_first, float *dot_second)
{
    __m256 g2 = _mm256_set1_ps(g_older), g1 = _mm256_set1_ps(g_old);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, b0 = a0, b1 = a0;
    int k = 0;
    for (; k + 16 <= taps; k += 16) {
        __m256 w0 = _mm256_loadu_ps(w + k), w1 = _mm256_loadu_ps(w + k + 8);
        w0 = _mm256_fmadd_ps(g2, _mm256_loadu_ps(x + k + 3), w0);
        w1 = _mm256_fmadd_ps(g2, _mm256_loadu_ps(x + k + 11), w1);
        w0 = _mm256_fmadd_ps(g1, _mm256_loadu_ps(x + k + 2), w0);
        w1 = _mm256_fmadd_ps(g1, _mm256_loadu_ps(x + k + 10), w1);
        _mm256_storeu_ps(w + k, w0);
        _mm256_storeu_ps(w + k + 8, w1);
        __m256 first0 = _mm256_loadu_ps(x + k + 1), first1 = _mm256_loadu_ps(x + k + 9);
        __m256 second0 = _mm256_loadu_ps(x + k), second1 = _mm256_loadu_ps(x + k + 8);
        a0 = _mm256_fmadd_ps(w0, first0, a0);
        a1 = _mm256_fmadd_ps(w1, first1, a1);
        b0 = _mm256_fmadd_ps(w0, second0, b0);
        b1 = _mm256_fmadd_ps(w1, second1, b1);
    }
    for (; k < taps; k += 8) {
        __m256 w0 = _mm256_loadu_ps(w + k);
        w0 = _mm256_fmadd_ps(g2, _mm256_loadu_ps(x + k + 3), w0);
        w0 = _mm256_fmadd_ps(g1, _mm256_loadu_ps(x + k + 2), w0);
        _mm256_storeu_ps(w + k, w0);
        __m256 first0 = _mm256_loadu_ps(x + k + 1), second0 = _mm256_loadu_ps(x + k);
        a0 = _mm256_fmadd_ps(w0, first0, a0);
        b0 = _mm256_fmadd_ps(w0, second0, b0);
    }
    *dot_first = hsum256(_mm256_add_ps(a0, a1));
    *dot_second = hsum256(_mm256_add_ps(b0, b1));
}

static float step_sse(float *w, const float *x, int taps, float g_older, float g_old)
{
    __m128 g2 = _mm_set1_ps(g_older), g1 = _mm_set1_ps(g_old);
    __m128 acc = _mm_setzero_ps();
    for (int k = 0; k < taps; k += 4) {
        __m128 w0 = _mm_loadu_ps(w + k);
        w0 = _mm_add_ps(w0, _mm_mul_ps(g2, _mm_loadu_ps(x + k + 2)));
        w0 = _mm_add_ps(w0, _mm_mul_ps(g1, _mm_loadu_ps(x + k + 1)));
        _mm_storeu_ps(w + k, w0);
        acc = _mm_add_ps(acc, _mm_mul_ps(w0, _mm_loadu_ps(x + k)));
    }
    return hsum128(acc);
}

static void pair_sse(float *w, const float *x, int taps, float g_older, float g_old,
                     float *dot_first, float *dot_second)
{
    __m128 g2 = _mm_set1_ps(g_older), g1 = _mm_set1_ps(g_old);
    __m128 a = _mm_setzero_ps(), b = a;
    for (int k = 0; k < taps; k += 4) {
        __m128 w0 = _mm_loadu_ps(w + k);
        w0 = _mm_add_ps(w0, _mm_mul_ps(g2, _mm_loadu_ps(x + k + 3)));
        w0 = _mm_add_ps(w0, _mm_mul_ps(g1, _mm_loadu_ps(x + k + 2)));
        _mm_storeu_ps(w + k, w0);
        __m128 first = _mm_loadu_ps(x + k + 1), second = _mm_loadu_ps(x + k);
        a = _mm_add_ps(a, _mm_mul_ps(w0, first));
        b = _mm_add_ps(b, _mm_mul_ps(w0, second));
    }
    *dot_first = hsum128(a);
    *dot_second = hsum128(b);
}

typedef float (*step_fn)(float *, const float *, int, float, float);
typedef void (*pair_fn)(float *, const float *, int, float, float, float *, float *);

static step_fn step_impl = step_sse;
static pair_fn pair_impl = pair_sse;

/* Chosen once when the library loads, before any media thread runs. */
__attribute__((constructor))
static void choose_kernels(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        step_impl = step_avx2;
        pair_impl = pair_avx2;
    }
}

float cmk_nlms_step(float *weights, const float *x, int taps, float g_older, float g_old)
{
    return step_impl(weights, x, taps, g_older, g_old);
}

void cmk_nlms_pair(float *weights, const float *x, int taps, float g_older, float g_old,
                   float *dot_first, float *dot_second)
{
    pair_impl(weights, x, taps, g_older, g_old, dot_first, dot_second);
}
