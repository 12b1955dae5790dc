/* fib: recursive calls (doubly recursive fib plus 3-argument tak).
   Work size: argv[1] = "quick" or a repeat count. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long size_arg(int argc, char **argv, long full, long quick) {
    if (argc < 2) return full;
    return strcmp(argv[1], "quick") == 0 ? quick : atol(argv[1]);
}

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int tak(int x, int y, int z) {
    return y < x ? tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)) : z;
}

int main(int argc, char **argv) {
    long reps = size_arg(argc, argv, 600, 60);
    uint64_t sum = 0;
    for (long r = 0; r < reps; r++) {
        sum = sum * 31 + fib(24 + (uint32_t)(r % 3));
        sum = sum * 31 + (uint32_t)tak(16 + (int)(r % 2), 10, 4);
    }
    printf("checksum: %llu\n", (unsigned long long)sum);
    return 0;
}
