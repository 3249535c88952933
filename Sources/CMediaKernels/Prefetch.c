// Prefetches for the media loop: at 1 ms chunks a cycle touches every channel's state for a few
// samples' work, so each channel would start with cache misses (hundreds of ns each from a
// shared L3) unless its memory was asked for while the channels before it were processed.
#include <stdint.h>
#include "CMediaKernels.h"

#define LINE 64

static inline void prefetch_line(uintptr_t address, int write)
{
    // `__builtin_prefetch` takes its read/write argument only as a constant.
    if (write) __builtin_prefetch((const void *)address, 1, 3);
    else __builtin_prefetch((const void *)address, 0, 3);
}

// Every line of [address, address + bytes), the last one too when `address` is not aligned.
// Addresses are worked out as integers: a hint may name the line after an object's end, and
// pointer arithmetic past an object would be undefined.
static inline void prefetch_lines(const void *address, int bytes, int write)
{
    uintptr_t p = (uintptr_t)address;
    if (bytes <= 0) return;
    for (int offset = 0; offset < bytes; offset += LINE) prefetch_line(p + offset, write);
    prefetch_line(p + bytes - 1, write);
}

void cmk_prefetch(const void *address, int bytes)
{
    prefetch_lines(address, bytes, 0);
}

static void prefetch_for_write(const float *from, int count)
{
    prefetch_lines(from, count * (int)sizeof(float), 1);
}

void cmk_echo_prefetch_state(const cmk_echo *ec)
{
    cmk_prefetch(ec, (int)sizeof(cmk_echo));
}

int cmk_echo_next_window(const cmk_echo *ec, int chunk, int ranges[4])
{
    int ring = ec->taps + CMK_ECHO_OLDER;
    int p = ec->position;
    // A sample inserted at slot q is written at q and q + ring, and the kernels then read
    // taps + 3 samples up from q (ending below q + ring): a run of slots [a, b) needs
    // [a, b - 1 + ring].
    if (chunk >= ring) {
        ranges[0] = 0;
        ranges[1] = 2 * ring;
        return 1;
    }
    if (p >= chunk) {
        // The chunk's samples go to p - chunk ..< p.
        ranges[0] = p - chunk;
        ranges[1] = p + ring;
        return 1;
    }
    // The first p samples go below p, the rest wrap to the top of the ring: ring + p - chunk ..< ring.
    ranges[0] = 0;
    ranges[1] = p + ring;
    ranges[2] = ring + p - chunk;
    ranges[3] = 2 * ring;
    return 2;
}

void cmk_echo_prefetch_window(const cmk_echo *ec, int chunk)
{
    int ranges[4];
    int count = cmk_echo_next_window(ec, chunk, ranges);
    for (int r = 0; r < count; r++)
        prefetch_for_write(ec->history + ranges[2 * r], ranges[2 * r + 1] - ranges[2 * r]);
    prefetch_for_write(ec->weights, ec->taps);
}
