/* sort: quicksort and bottom-up mergesort of pseudo-random 32-bit ints
   (compares, branches, indexed loads/stores); the two results must agree.
   Work size: argv[1] = "quick" or the element count. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long size_arg(int argc, char **argv, long full, long quick) {
    if (argc < 2) return full;
    return strcmp(argv[1], "quick") == 0 ? quick : atol(argv[1]);
}

static void insertion(uint32_t *a, long lo, long hi) {
    for (long i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        long j = i - 1;
        while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static void quicksort(uint32_t *a, long lo, long hi) {
    while (hi - lo > 16) {
        long mid = lo + (hi - lo) / 2;
        uint32_t x = a[lo], y = a[mid], z = a[hi]; /* median of three */
        uint32_t p = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i <= j) { uint32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
        }
        if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
        else { quicksort(a, i, hi); hi = j; }
    }
    insertion(a, lo, hi);
}

static void mergesort(uint32_t *a, uint32_t *tmp, long n) {
    uint32_t *orig = a;
    for (long w = 1; w < n; w *= 2) {
        for (long lo = 0; lo < n; lo += 2 * w) {
            long mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            long i = lo, j = mid, k = lo;
            while (i < mid && j < hi) tmp[k++] = a[j] < a[i] ? a[j++] : a[i++];
            while (i < mid) tmp[k++] = a[i++];
            while (j < hi) tmp[k++] = a[j++];
        }
        uint32_t *t = a; a = tmp; tmp = t;
    }
    if (a != orig) memcpy(orig, a, sizeof(uint32_t) * (size_t)n);
}

int main(int argc, char **argv) {
    long n = size_arg(argc, argv, 1500000, 150000);
    uint32_t *a = malloc(n * 4), *b = malloc(n * 4), *tmp = malloc(n * 4);
    uint32_t x = 88172645u;
    for (long i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        a[i] = b[i] = x % ((uint32_t)n * 4); /* duplicates on purpose */
    }
    quicksort(a, 0, n - 1);
    mergesort(b, tmp, n);
    if (memcmp(a, b, (size_t)n * 4) != 0) { printf("checksum: SORT-MISMATCH\n"); return 1; }
    uint64_t sum = 0;
    for (long i = 0; i < n; i++) sum = sum * 31 + a[i];
    printf("checksum: %llu\n", (unsigned long long)sum);
    free(a); free(b); free(tmp);
    return 0;
}
