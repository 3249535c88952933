// The DTMF receiver's per-sample loop: a bank of Goertzel resonators advanced together. In C so
// the compiler vectorises the bank (8 floats) in release builds and debug builds stay fast enough
// to run minutes of test audio.
#include "CMediaKernels.h"

float cmk_goertzel_run(float *restrict state, const float *restrict coefficients, int banks,
                       const float *restrict samples, int count)
{
    float *restrict s1 = state;
    float *restrict s2 = state + banks;
    float energy = 0.0f;
    for (int n = 0; n < count; n++) {
        const float x = samples[n];
        energy += x * x;
        for (int b = 0; b < banks; b++) {
            const float s0 = x + coefficients[b] * s1[b] - s2[b];
            s2[b] = s1[b];
            s1[b] = s0;
        }
    }
    return energy;
}
