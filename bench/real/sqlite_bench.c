// SQLite (the amalgamation in npm better-sqlite3): an in-memory database
// filled through a prepared INSERT in one transaction, then a few indexed
// and aggregate queries; the checksum hashes every result row.
//   sqlite_bench [ROWS] [tune]
// tune: the tuning-corpus workload, different SQL (a recursive CTE, string
// functions, UPDATE/DELETE, a join, ORDER BY on expressions).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sqlite3.h"

static sqlite3 *db;
static unsigned long long h = 1469598103934665603ull;

static void check(int rc) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    exit(1);
  }
}

static void exec(const char *sql) { check(sqlite3_exec(db, sql, 0, 0, 0)); }

// Runs a query and hashes the text of every column of every row.
static void query(const char *sql) {
  sqlite3_stmt *st;
  check(sqlite3_prepare_v2(db, sql, -1, &st, 0));
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    for (int c = 0; c < sqlite3_column_count(st); c++)
      for (const unsigned char *s = sqlite3_column_text(st, c); s && *s; s++) h = (h ^ *s) * 1099511628211ull;
  check(rc);
  sqlite3_finalize(st);
}

static void reported(int n) {
  exec("CREATE TABLE item(id INTEGER PRIMARY KEY, k INTEGER, name TEXT, price REAL);"
       "CREATE INDEX item_k ON item(k);");
  exec("BEGIN");
  sqlite3_stmt *st;
  check(sqlite3_prepare_v2(db, "INSERT INTO item(k, name, price) VALUES(?, ?, ?)", -1, &st, 0));
  unsigned x = 2463534242u;
  char buf[32];
  for (int i = 0; i < n; i++) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    sqlite3_bind_int(st, 1, (int)(x % 50000));
    snprintf(buf, sizeof buf, "item-%08x", x);
    sqlite3_bind_text(st, 2, buf, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 3, (double)(x % 10000) / 4.0);
    check(sqlite3_step(st));
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  exec("COMMIT");
  query("SELECT count(*), sum(k), sum(price) FROM item");
  query("SELECT k, count(*), max(price) FROM item WHERE k < 300 GROUP BY k ORDER BY k");
  query("SELECT name FROM item WHERE k BETWEEN 20000 AND 20100 ORDER BY name LIMIT 40");
}

static void tune(int n) {
  exec("CREATE TABLE a(id INTEGER PRIMARY KEY, g INTEGER, s TEXT);"
       "CREATE TABLE b(g INTEGER PRIMARY KEY, label TEXT);");
  char sql[256];
  snprintf(sql, sizeof sql,
           "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %d) "
           "INSERT INTO a(g, s) SELECT (i * 7919) %% 1000, hex(i * 2654435761 %% 4294967296) FROM c", n);
  exec(sql);
  exec("INSERT INTO b SELECT DISTINCT g, 'group ' || g FROM a");
  exec("UPDATE a SET s = lower(s) || substr(s, 2, 3) WHERE g % 3 = 0");
  exec("DELETE FROM a WHERE g % 11 = 5");
  exec("CREATE INDEX a_s ON a(s)");
  query("SELECT b.label, count(*), min(a.s) FROM a JOIN b ON a.g = b.g GROUP BY b.g ORDER BY count(*) DESC, b.g LIMIT 30");
  query("SELECT s FROM a WHERE s LIKE 'a%' ORDER BY length(s), s LIMIT 50");
  query("SELECT g, group_concat(substr(s, 1, 2), ',') FROM a WHERE id % 97 = 0 GROUP BY g");
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 200000;
  check(sqlite3_open(":memory:", &db));
  if (argc > 2 && !strcmp(argv[2], "tune")) tune(n); else reported(n);
  printf("checksum: %016llx\n", h);
  sqlite3_close(db);
  return 0;
}
