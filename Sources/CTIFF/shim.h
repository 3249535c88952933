#ifndef CTIFF_SHIM_H
#define CTIFF_SHIM_H
#include <tiffio.h>
/* TIFFGetField is variadic: one typed getter per kind of tag the fax code reads. */
static inline int ctiff_get_u32(TIFF *t, uint32_t tag, uint32_t *v) { return TIFFGetField(t, tag, v); }
static inline int ctiff_get_u16(TIFF *t, uint32_t tag, uint16_t *v) { return TIFFGetField(t, tag, v); }
static inline int ctiff_get_float(TIFF *t, uint32_t tag, float *v) { return TIFFGetField(t, tag, v); }
/* Keep libtiff's warnings and errors off stderr: callers report failures themselves. */
static inline void ctiff_quiet(void) { TIFFSetWarningHandler(NULL); TIFFSetErrorHandler(NULL); }
#endif
