#ifndef CXATTR_SHIM_H
#define CXATTR_SHIM_H
// Extended attributes (glibc's getxattr/setxattr), which Swift's Glibc module leaves out: the
// daemon reads POSIX ACLs through them.
#include <sys/xattr.h>
#endif
