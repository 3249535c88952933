// Prefetches for the media loop: at 1 ms chunks a cycle touches every channel's state for a few
// samples' work, so each channel would start with cache misses (hundreds of ns each from a
// shared L3) unless its memory was asked for while the channels before it were processed.
#include "CMediaKernels.h"

#define LINE 64

void cmk_prefetch(const void *address, int bytes)
{
    const char *p = address;
    if (bytes <= 0) return;
    for (int offset = 0; offset < bytes; offset += LINE) __builtin_prefetch(p + offset, 0, 3);
    __builtin_prefetch(p + bytes - 1, 0, 3);  // the last line, when `address` is not aligned
}

static void prefetch_for_write(const float *from, int count)
{
    const char *p = (const char *)from;
    int bytes = count * (int)sizeof(float);
    if (bytes <= 0) return;
    for (int offset = 0; offset < bytes; offset += LINE) __builtin_prefetch(p + offset, 1, 3);
    __builtin_prefetch(p + bytes - 1, 1, 3);
}

void cmk_echo_prefetch_state(const cmk_echo *ec)
{
    cmk_prefetch(ec, (int)sizeof(cmk_echo));
}

int cmk_echo_next_window(const cmk_echo *ec, int chunk, int ranges[4])
{
    int ring = ec->taps + CMK_ECHO_OLDER;
    int p = ec->position;
    int reach = ec->taps + 3;  // the kernels read taps + 3 samples up from a position
    // A window starting at slot s ends before s + reach; the highest slots written are p - 1
    // and, wrapping, ring - 1.
    if (chunk >= ring) {
        // Every slot of the ring is written; the reads reach up to the mirror's `reach`.
        ranges[0] = 0;
        ranges[1] = ring - 1 + reach;
        return 1;
    }
    if (p >= chunk) {
        // The chunk's samples go to p - chunk ..< p; each reads up from where it went.
        ranges[0] = p - chunk;
        ranges[1] = p - 1 + reach;
        return 1;
    }
    // The first p samples go below p; the rest wrap to the ring's top and read the mirror.
    ranges[0] = 0;
    ranges[1] = p - 1 + reach;
    ranges[2] = ring + p - chunk;
    ranges[3] = ring - 1 + reach;
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
