#ifndef CG168MODELS_H
#define CG168MODELS_H
#include <stdint.h>

/// The ITU-T G.168 Annex D echo path models (D.2 to D.9) as spandsp ships them.
/// Returns the FIR coefficients of model `model` (2...9), or NULL for an unknown model;
/// `length` receives the tap count and `gain` the scale that turns them into the model's response.
const int32_t *cg168_model(int model, int *length, float *gain);

#endif
