#!/usr/bin/env bash
# Writes a generated Markdown document for the pandoc row of bench/real.sh:
# N sections of headings, paragraphs with emphasis and links, lists, a
# table and a code block.
#   bench/real/gen_markdown.sh N > doc.md
set -eu
n=${1:-20}
echo "% Generated document"
echo
for ((i = 1; i <= n; i++)); do
  echo "# Section $i"
  echo
  for ((p = 0; p < 3; p++)); do
    echo "Paragraph $p of section $i has *emphasis*, **strong text**, \`code $i\`, a [link](http://example.org/$i/$p)"
    echo "and a footnote[^n$i$p]. The quick brown fox jumps over the lazy dog $((i * 31 + p)) times."
    echo
    echo "[^n$i$p]: Footnote $i.$p."
    echo
  done
  echo "- item one of $i"
  echo "- item two with _emphasis_"
  echo "    1. nested $((i * 7))"
  echo "    2. nested $((i * 11))"
  echo
  echo "| key | value | note |"
  echo "|-----|------:|------|"
  for ((r = 0; r < 4; r++)); do echo "| k$r | $((i * r)) | row $r of $i |"; done
  echo
  echo '```c'
  echo "int f$i(int x) { return x * $i; }"
  echo '```'
  echo
done
