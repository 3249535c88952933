// The G.168 models are defined (not just declared) in spandsp's header, so they live in
// exactly one translation unit here and are handed out through an accessor.
#include <stddef.h>
#include <stdint.h>
#include <spandsp/g168models.h>
#include "CG168Models.h"

#define MODEL(n) \
    case n: *length = (int)(sizeof(line_model_d##n##_coeffs) / sizeof(int32_t)); \
            *gain = LINE_MODEL_D##n##_GAIN; return line_model_d##n##_coeffs;

const int32_t *cg168_model(int model, int *length, float *gain)
{
    switch (model) {
    MODEL(2) MODEL(3) MODEL(4) MODEL(5) MODEL(6) MODEL(7) MODEL(8) MODEL(9)
    default:
        *length = 0;
        *gain = 0;
        return NULL;
    }
}
