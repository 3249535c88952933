// Block tone analysis for the detectors: Goertzel filters for up to a few dozen frequencies run
// side by side in SIMD lanes (8 per group), and an exact sum of squares. In C so the media loop
// gets AVX2/FMA where the CPU has it, with no per-sample bounds checks.
#include <immintrin.h>
#include "CMediaKernels.h"

enum { max_block = 1024 };

int64_t cmk_sum_squares(const int16_t *x, int n)
{
    /* pmaddwd adds two squares: at most 2 * 32768^2 = 2^31, which fits when read unsigned. */
    const __m128i zero = _mm_setzero_si128();
    __m128i acc = zero;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m128i v = _mm_loadu_si128((const __m128i *) (x + i));
        __m128i pairs = _mm_madd_epi16(v, v);
        acc = _mm_add_epi64(acc, _mm_unpacklo_epi32(pairs, zero));
        acc = _mm_add_epi64(acc, _mm_unpackhi_epi32(pairs, zero));
    }
    int64_t lanes[2];
    _mm_storeu_si128((__m128i *) lanes, acc);
    int64_t sum = lanes[0] + lanes[1];
    for (; i < n; i++) sum += (int32_t) x[i] * x[i];
    return sum;
}

static void to_float(const int16_t *x, int n, float *out)
{
    for (int i = 0; i < n; i++) out[i] = (float) x[i];
}

/* Mean power of a sine at each lane's frequency: A^2/2 for amplitude A. */
static float lane_power(float s1, float s2, float k, int n)
{
    return 2.0f * (s1 * s1 + s2 * s2 - k * s1 * s2) / ((float) n * (float) n);
}

__attribute__((target("avx2,fma")))
static void goertzel_avx2(const float *x, int n, const float *coef, int groups, float *powers)
{
    /* Two groups at a time: each is one dependent FMA chain, so a second one is nearly free. */
    for (int g = 0; g < groups; g += 2) {
        int pair = g + 1 < groups;
        __m256 k0 = _mm256_loadu_ps(coef + 8 * g);
        __m256 k1 = pair ? _mm256_loadu_ps(coef + 8 * g + 8) : _mm256_setzero_ps();
        __m256 a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps();
        __m256 b1 = _mm256_setzero_ps(), b2 = _mm256_setzero_ps();
        for (int i = 0; i < n; i++) {
            __m256 v = _mm256_broadcast_ss(x + i);
            __m256 a0 = _mm256_fmadd_ps(k0, a1, _mm256_sub_ps(v, a2));
            __m256 b0 = _mm256_fmadd_ps(k1, b1, _mm256_sub_ps(v, b2));
            a2 = a1; a1 = a0;
            b2 = b1; b1 = b0;
        }
        float s1[16], s2[16];
        _mm256_storeu_ps(s1, a1); _mm256_storeu_ps(s2, a2);
        _mm256_storeu_ps(s1 + 8, b1); _mm256_storeu_ps(s2 + 8, b2);
        int lanes = pair ? 16 : 8;
        for (int j = 0; j < lanes; j++) powers[8 * g + j] = lane_power(s1[j], s2[j], coef[8 * g + j], n);
    }
}

static void goertzel_sse(const float *x, int n, const float *coef, int groups, float *powers)
{
    for (int g = 0; g < groups; g++) {
        __m128 k0 = _mm_loadu_ps(coef + 8 * g), k1 = _mm_loadu_ps(coef + 8 * g + 4);
        __m128 a1 = _mm_setzero_ps(), a2 = _mm_setzero_ps();
        __m128 b1 = _mm_setzero_ps(), b2 = _mm_setzero_ps();
        for (int i = 0; i < n; i++) {
            __m128 v = _mm_set1_ps(x[i]);
            __m128 a0 = _mm_add_ps(_mm_mul_ps(k0, a1), _mm_sub_ps(v, a2));
            __m128 b0 = _mm_add_ps(_mm_mul_ps(k1, b1), _mm_sub_ps(v, b2));
            a2 = a1; a1 = a0;
            b2 = b1; b1 = b0;
        }
        float s1[8], s2[8];
        _mm_storeu_ps(s1, a1); _mm_storeu_ps(s2, a2);
        _mm_storeu_ps(s1 + 4, b1); _mm_storeu_ps(s2 + 4, b2);
        for (int j = 0; j < 8; j++) powers[8 * g + j] = lane_power(s1[j], s2[j], coef[8 * g + j], n);
    }
}

typedef void (*goertzel_fn)(const float *, int, const float *, int, float *);

static goertzel_fn goertzel_impl = goertzel_sse;

/* Chosen once when the library loads, before any media thread runs. */
__attribute__((constructor))
static void choose_goertzel(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        goertzel_impl = goertzel_avx2;
}

void cmk_goertzel_powers(const int16_t *x, int n, const float *coefficients, int groups, float *powers)
{
    if (n <= 0 || n > max_block) return;
    float block[max_block];
    to_float(x, n, block);
    goertzel_impl(block, n, coefficients, groups, powers);
}
