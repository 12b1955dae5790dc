/* SIMD benchmark kernels: the same C source compiled with and without
   -msimd128 (clang auto-vectorises the loops into v128 code).
   saxpy (f32), dot product (i16 -> i32), byte histogram-style count and a
   u8 clamp/average blend. Work size: argv[1] = "quick" or repetitions.
   The checksum must be identical with and without -msimd128. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 4096

static float xs[N], ys[N];
static int16_t as[N], bs[N];
static uint8_t p[N], q[N], r[N];

static uint32_t rng = 12345;
static uint32_t next(void) { rng = rng * 1664525u + 1013904223u; return rng >> 8; }

__attribute__((noinline)) static void saxpy(float a, const float *x, float *y, int n) {
    for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}

__attribute__((noinline)) static int32_t dot16(const int16_t *a, const int16_t *b, int n) {
    int32_t s = 0;
    for (int i = 0; i < n; i++) s += (int32_t)a[i] * b[i];
    return s;
}

__attribute__((noinline)) static uint32_t count_below(const uint8_t *a, int n, uint8_t t) {
    uint32_t c = 0;
    for (int i = 0; i < n; i++) c += a[i] < t;
    return c;
}

__attribute__((noinline)) static void blend(const uint8_t *a, const uint8_t *b, uint8_t *out, int n) {
    for (int i = 0; i < n; i++) {
        unsigned v = ((unsigned)a[i] + b[i] + 1) >> 1;
        out[i] = v > 200 ? 200 : (uint8_t)v;
    }
}

int main(int argc, char **argv) {
    long reps = 20000;
    if (argc > 1) reps = strcmp(argv[1], "quick") == 0 ? 2000 : atol(argv[1]);
    for (int i = 0; i < N; i++) {
        xs[i] = (float)(next() % 1000) / 1000.0f;
        ys[i] = 0;
        as[i] = (int16_t)(next() % 200) - 100;
        bs[i] = (int16_t)(next() % 200) - 100;
        p[i] = (uint8_t)next();
        q[i] = (uint8_t)next();
    }
    uint64_t h = 0;
    for (long k = 0; k < reps; k++) {
        saxpy(0.5f, xs, ys, N);
        if (ys[7] > 100.0f) saxpy(-0.5f, ys, ys, N);  /* keeps values bounded */
        h = h * 31 + (uint32_t)dot16(as, bs, N);
        h = h * 31 + count_below(p, N, (uint8_t)k);
        blend(p, q, r, N);
        p[k % N] ^= r[(k * 7) % N];
    }
    uint32_t fb;
    memcpy(&fb, &ys[N / 2], 4);
    printf("checksum: %016llx %08x\n", (unsigned long long)h, fb);
    return 0;
}
