#ifndef CLIBSS7_SHIM_H
#define CLIBSS7_SHIM_H
#include <libss7.h>
#endif
