// brotli (Debian's brotli sources), held-out set: compress a generated
// buffer at quality 5 and 9 and decompress it again, checking the round trip.
//   brotli_bench [MIB]
#include <stdlib.h>
#include "gen.h"
#include <brotli/decode.h>
#include <brotli/encode.h>

int main(int argc, char **argv) {
  size_t n = (size_t)((argc > 1 ? atof(argv[1]) : 2) * (1 << 20));
  size_t cap = BrotliEncoderMaxCompressedSize(n);
  uint8_t *src = malloc(n), *dst = malloc(cap), *back = malloc(n);
  gen_text(src, n, 4242u);
  uint64_t h = 1469598103934665603ull;
  static const int qualities[] = {5, 9};
  for (int q = 0; q < 2; q++) {
    size_t c = cap, d = n;
    if (!BrotliEncoderCompress(qualities[q], BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, n, src, &c, dst)) {
      fprintf(stderr, "brotli: compress failed\n");
      return 1;
    }
    if (BrotliDecoderDecompress(c, dst, &d, back) != BROTLI_DECODER_RESULT_SUCCESS || d != n || memcmp(src, back, n)) {
      fprintf(stderr, "brotli: round trip failed\n");
      return 1;
    }
    h = fnv1a(dst, c, h);
    printf("quality %d: %zu -> %zu\n", qualities[q], n, c);
  }
  printf("checksum: %016llx\n", (unsigned long long)h);
  return 0;
}
