/* hash64: 64-bit integer hashing over an 8 MiB array: an xxHash64-style
   4-lane digest, then a murmur3 fmix64 rewrite of every element (64-bit
   multiplies, rotates, shifts). Work size: argv[1] = "quick" or a pass count. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long size_arg(int argc, char **argv, long full, long quick) {
    if (argc < 2) return full;
    return strcmp(argv[1], "quick") == 0 ? quick : atol(argv[1]);
}

#define N (1u << 20)
#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define ROL(x, r) (((x) << (r)) | ((x) >> (64 - (r))))

static uint64_t round64(uint64_t acc, uint64_t v) { acc += v * P2; return ROL(acc, 31) * P1; }
static uint64_t merge(uint64_t h, uint64_t v) { return (h ^ round64(0, v)) * P1 + P4; }

static uint64_t xxh64(const uint64_t *p, size_t n, uint64_t seed) { /* n multiple of 4 */
    uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
    for (size_t i = 0; i < n; i += 4) {
        v1 = round64(v1, p[i]); v2 = round64(v2, p[i + 1]);
        v3 = round64(v3, p[i + 2]); v4 = round64(v4, p[i + 3]);
    }
    uint64_t h = ROL(v1, 1) + ROL(v2, 7) + ROL(v3, 12) + ROL(v4, 18);
    h = merge(merge(merge(merge(h, v1), v2), v3), v4) + n * 8;
    h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32;
    return h;
}

static uint64_t fmix64(uint64_t k) {
    k ^= k >> 33; k *= 0xff51afd7ed558ccdull; k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53ull; k ^= k >> 33;
    return k;
}

int main(int argc, char **argv) {
    long passes = size_arg(argc, argv, 120, 12);
    uint64_t *a = malloc(N * sizeof(uint64_t)), s = 0;
    for (uint32_t i = 0; i < N; i++) { /* splitmix64 */
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull; z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        a[i] = z ^ (z >> 31);
    }
    uint64_t h = 0;
    for (long p = 0; p < passes; p++) {
        h = xxh64(a, N, h + (uint64_t)p);
        for (uint32_t i = 0; i < N; i++) a[i] = fmix64(a[i] ^ h) + i;
    }
    printf("checksum: %016llx\n", (unsigned long long)h);
    free(a);
    return 0;
}
