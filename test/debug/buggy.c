// The debugger's test program (test/dwarf_tests.cpp now, the `timecraft
// debug` tests later). It has two bugs to find:
//  1. a wrong value computed two calls deep: main -> total_price ->
//     line_price -> apply_discount, which rounds the wrong way for one item;
//  2. a buffer overwritten by a stray write: set_name copies a name one byte
//     longer than packet.name, clobbering the low byte of packet.checksum.
// Marker comments "@name" label lines the tests look up by grepping this
// file (line numbers are never hard-coded). Keep one marker per line.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum color { RED, GREEN = 5, BLUE };

typedef unsigned int u32;

struct header {
  u32 magic;
  u32 len;
  char name[8];
};

struct packet {
  char name[8];
  uint32_t checksum;
  const char *label;
  struct header *hdr;
  enum color tint;
  _Bool valid;
  double ratio;
};

union word {
  uint32_t u;
  uint8_t b[4];
};

// Globals, initialised in the data section.
struct header g_header = {0x12345678, 512, "abc"};
int counter = 7;
int prices[5] = {100, 250, 399, 1000, 5};
const char *greeting = "hello, debugger";
struct packet g_packet;
union word g_word = {0x01020304};
static int quantities[2][3] = {{1, 2, 3}, {4, 5, 6}};
double g_ratio = 0.1;
int unused_global = 3;  // never referenced: wasm-ld drops it (tombstone address)

// Apply a percentage discount. BUG 1: integer division truncates, and the
// rounding term is added only for odd prices (it should always be added).
__attribute__((noinline)) int apply_discount(int price, int percent) {
  int off = price * percent / 100;  // @discount_off
  if (price & 1)
    off += 1;  // @discount_round
  return price - off;  // @discount_return
}

// Inlined into line_price at -O2 (an inlined-subroutine scope).
static int scale(int each, int qty) {
  int scaled = each * qty;  // @scale_mul
  return scaled;
}

__attribute__((noinline)) int line_price(int price, int qty) {
  int each = apply_discount(price, 10);  // @line_each
  return scale(each, qty);  // @line_return
}

__attribute__((noinline)) int total_price(const int *p, int n) {
  int total = 0;  // @total_init
  for (int i = 0; i < n; i++) {  // @total_loop
    int q = quantities[i % 2][i % 3];
    total += line_price(p[i], q);  // @total_add
  }
  counter++;  // @total_counter
  return total;  // @total_return
}

__attribute__((noinline)) int add(int a, int b) {
  return a + b;  // @add_return
}

// BUG 2: copies strlen(src) + 1 bytes into an 8-byte buffer.
__attribute__((noinline)) void set_name(struct packet *pk, const char *src) {
  size_t n = strlen(src);  // @set_name_len

  // (no code on the blank line above this comment)
  memcpy(pk->name, src, n + 1);  // @set_name_copy
}

__attribute__((noinline)) uint32_t checksum(const struct header *h) {
  uint32_t sum = h->magic ^ h->len;  // @checksum_first
  for (const char *c = h->name; *c; c++) {
    uint32_t mixed = sum * 31 + (unsigned char)*c;  // @checksum_inner
    sum = mixed;
  }
  return sum;
}

int main(void) {
  struct packet *pk = &g_packet;  // @main_first
  pk->hdr = &g_header;
  pk->label = greeting;
  pk->tint = BLUE;
  pk->valid = 1;
  pk->ratio = g_ratio * 5;
  pk->checksum = checksum(&g_header);  // @main_checksum
  set_name(pk, "overflow");  // @main_set_name
  int total = total_price(prices, 5);  // @main_total
  int sum = add(total, counter);
  printf("total = %d\n", total);
  printf("sum = %d\n", sum);
  printf("checksum = %u\n", (unsigned)pk->checksum);
  printf("name = %s, word = %u\n", pk->name, (unsigned)g_word.b[0]);
  return 0;
}
