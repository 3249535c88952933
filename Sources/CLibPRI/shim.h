#ifndef CLIBPRI_SHIM_H
#define CLIBPRI_SHIM_H
#include <libpri.h>
#endif
