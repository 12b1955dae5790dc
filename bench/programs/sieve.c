/* sieve: sieve of Eratosthenes over a byte array (loops, byte loads/stores).
   Work size: argv[1] = "quick" or a repeat count. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long size_arg(int argc, char **argv, long full, long quick) {
    if (argc < 2) return full;
    return strcmp(argv[1], "quick") == 0 ? quick : atol(argv[1]);
}

#define LIMIT (1u << 22)

int main(int argc, char **argv) {
    long reps = size_arg(argc, argv, 14, 2);
    uint8_t *composite = malloc(LIMIT);
    uint64_t sum = 0;
    for (long r = 0; r < reps; r++) {
        uint32_t n = LIMIT - (uint32_t)r * 7; /* vary the bound per repetition */
        memset(composite, 0, n);
        for (uint32_t i = 2; (uint64_t)i * i < n; i++)
            if (!composite[i])
                for (uint32_t j = i * i; j < n; j += i) composite[j] = 1;
        uint64_t count = 0, total = 0;
        for (uint32_t i = 2; i < n; i++)
            if (!composite[i]) { count++; total += i; }
        sum = sum * 1000003 + count * 0x9E3779B97F4A7C15ull + total;
    }
    free(composite);
    printf("checksum: %llu\n", (unsigned long long)sum);
    return 0;
}
