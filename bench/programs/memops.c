/* memops: memcpy/memset/memmove of mixed sizes (1 B .. 32 KiB) at random
   offsets in an 8 MiB buffer, plus a hand-written byte copy-transform loop.
   Under wasm32-wasi these are wasi-libc's mem* functions compiled to wasm.
   Work size: argv[1] = "quick" or a repeat count. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long size_arg(int argc, char **argv, long full, long quick) {
    if (argc < 2) return full;
    return strcmp(argv[1], "quick") == 0 ? quick : atol(argv[1]);
}

#define BUF (8u << 20)
static uint32_t rs = 2463534242u;
static uint32_t next(void) { rs ^= rs << 13; rs ^= rs >> 17; rs ^= rs << 5; return rs; }

int main(int argc, char **argv) {
    long reps = size_arg(argc, argv, 40, 4);
    uint8_t *buf = malloc(BUF);
    for (uint32_t i = 0; i < BUF; i++) buf[i] = (uint8_t)(i * 2654435761u >> 24);
    uint64_t sum = 0;
    for (long r = 0; r < reps; r++) {
        for (int op = 0; op < 20000; op++) {
            uint32_t x = next(), cls = x & 3, kind = (x >> 2) % 3;
            uint32_t n = 1 + (x >> 8) % (cls == 0 ? 64 : cls == 1 ? 4096 : cls == 2 ? 32768 : 1024);
            uint32_t src = next() % (BUF - n - 64), dst = next() % (BUF - n - 64);
            if (cls == 3) { /* byte loop: copy with a transform */
                for (uint32_t i = 0; i < n; i++) buf[dst + i] = (uint8_t)(buf[src + i] * 3 + 1);
            } else if (kind == 0) {
                memset(buf + dst, (int)(x >> 24), n);
            } else if (kind == 1) {
                if (src < dst + n && dst < src + n) memmove(buf + dst, buf + src, n);
                else memcpy(buf + dst, buf + src, n);
            } else {
                dst = src + 1 + (x >> 24) % 63; /* overlapping move */
                memmove(buf + dst, buf + src, n);
            }
            sum = sum * 31 + buf[dst] + buf[dst + n - 1];
        }
    }
    for (uint32_t i = 0; i < BUF; i += 8) {
        uint64_t w;
        memcpy(&w, buf + i, 8);
        sum = (sum ^ w) * 0x100000001B3ull;
    }
    printf("checksum: %016llx\n", (unsigned long long)sum);
    free(buf);
    return 0;
}
