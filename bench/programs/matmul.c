/* matmul: double-precision N x N matrix multiply (i-k-j order).
   Work size: argv[1] = "quick" or the matrix size N.
   The checksum hashes the result's bits (IEEE results are exact-reproducible:
   no FMA contraction on baseline x86-64 or wasm32). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long size_arg(int argc, char **argv, long full, long quick) {
    if (argc < 2) return full;
    return strcmp(argv[1], "quick") == 0 ? quick : atol(argv[1]);
}

static uint32_t rng = 12345;
static double rand_unit(void) { /* in [-1, 1) */
    rng = rng * 1664525u + 1013904223u;
    return (double)(rng >> 8) / (double)(1u << 23) - 1.0;
}

int main(int argc, char **argv) {
    long n = size_arg(argc, argv, 700, 300);
    double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n);
    double *c = calloc((size_t)(n * n), sizeof(double));
    for (long i = 0; i < n * n; i++) { a[i] = rand_unit(); b[i] = rand_unit(); }
    for (long i = 0; i < n; i++)
        for (long k = 0; k < n; k++) {
            double aik = a[i * n + k];
            for (long j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
    uint64_t h = 0;
    for (long i = 0; i < n * n; i++) {
        uint64_t bits;
        memcpy(&bits, &c[i], sizeof bits);
        h = (h ^ bits) * 0x100000001B3ull;
    }
    printf("checksum: %016llx\n", (unsigned long long)h);
    free(a); free(b); free(c);
    return 0;
}
