# Mean shares of ops, op pairs or op triples over programs, from opstats
# builds' exit reports (interp/exec/opstats.cpp): "opstats: N instructions"
# then "  P%  OP" lines, "opstats: pairs" then "  P%  A -> B", "opstats:
# triples" then "  P%  A -> B -> C". Used by bench/real.sh corpus and
# bench/op_pairs.sh.
#
#   awk -v section=ops|pairs|triples [-v singles=1] -f bench/opstats_shares.awk NAME.txt...
#
# One file is one program. A file holding several runs (the WASI suite's)
# weights its runs' shares by their dispatch counts; then every program
# counts equally, so a long run does not outweigh a short one. singles=1
# leaves out fused ops (names with "_"). Prints "  P%  KEY  ( programs )",
# unsorted; the programs are those whose own report (top 60) holds KEY.
FNR == 1 { nprog++; prog = FILENAME; sub(/.*\//, "", prog); sub(/\.txt$/, "", prog) }
/^opstats: [0-9]+ instructions/ { total = $2; tot[prog] += total; sec = "ops"; next }
/^opstats: / { sec = $2; next }
sec == section && $1 ~ /%$/ {
  if (singles && $0 ~ /_/) next
  sub(/%/, "", $1); k = $2
  for (i = 4; i <= NF; i += 2) k = k " -> " $i
  s[k SUBSEP prog] += $1 * total
}
END {
  for (kp in s) {
    split(kp, f, SUBSEP)
    share[f[1]] += s[kp] / tot[f[2]] / nprog
    progs[f[1]] = progs[f[1]] " " f[2]
  }
  for (k in share) printf "%8.3f%%  %s  (%s )\n", share[k], k, progs[k]
}
