// Go benchmark for bench/real.sh, built with Go 1.23 for GOOS=wasip1 and
// natively with the same Go: a weighted graph searched with Dijkstra
// (container/heap), word counting in maps, sorting, strings.Builder,
// strconv and a hash over everything.
//
//	go-bench [SCALE] [tune]    (SCALE: a work multiplier, 1 by default; tune: the tuning-corpus workload: other work)
package main

import (
	"container/heap"
	"fmt"
	"hash/fnv"
	"math/big"
	"os"
	"sort"
	"strconv"
	"strings"
)

type rng uint64

func (r *rng) next() uint64 { // xorshift64
	*r ^= *r << 13
	*r ^= *r >> 7
	*r ^= *r << 17
	return uint64(*r)
}

type item struct {
	node int
	dist int64
}
type pq []item

func (q pq) Len() int            { return len(q) }
func (q pq) Less(i, j int) bool  { return q[i].dist < q[j].dist }
func (q pq) Swap(i, j int)       { q[i], q[j] = q[j], q[i] }
func (q *pq) Push(x interface{}) { *q = append(*q, x.(item)) }
func (q *pq) Pop() interface{} {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

type edge struct {
	to int
	w  int64
}

func dijkstra(adj [][]edge, src int) []int64 {
	dist := make([]int64, len(adj))
	for i := range dist {
		dist[i] = 1 << 62
	}
	dist[src] = 0
	q := &pq{{src, 0}}
	for q.Len() > 0 {
		it := heap.Pop(q).(item)
		if it.dist > dist[it.node] {
			continue
		}
		for _, e := range adj[it.node] {
			if d := it.dist + e.w; d < dist[e.to] {
				dist[e.to] = d
				heap.Push(q, item{e.to, d})
			}
		}
	}
	return dist
}

func reported(scale float64, h func(string)) {
	r := rng(88172645463325252)
	n := int(20000 * scale)
	adj := make([][]edge, n)
	for i := 0; i < n; i++ {
		for k := 0; k < 6; k++ {
			adj[i] = append(adj[i], edge{int(r.next() % uint64(n)), int64(r.next()%1000 + 1)})
		}
	}
	for s := 0; s < 4; s++ {
		d := dijkstra(adj, s*97)
		var sum int64
		for _, v := range d {
			if v < 1<<62 {
				sum += v
			}
		}
		h(strconv.FormatInt(sum, 10))
	}
	syll := []string{"ka", "lo", "mi", "ne", "ru", "ta", "vo", "zu"}
	counts := map[string]int{}
	for i := 0; i < int(150000*scale); i++ {
		var b strings.Builder
		for k := 0; k < int(r.next()%3)+1; k++ {
			b.WriteString(syll[r.next()%8])
		}
		counts[b.String()]++
	}
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if counts[words[i]] != counts[words[j]] {
			return counts[words[i]] > counts[words[j]]
		}
		return words[i] < words[j]
	})
	for _, w := range words[:20] {
		h(w + "=" + strconv.Itoa(counts[w]))
	}
}

func tune(scale float64, h func(string)) {
	// big-number arithmetic, byte-slice work and fmt: other code than reported().
	f := big.NewInt(1)
	for i := 2; i < int(1500*scale); i++ {
		f.Mul(f, big.NewInt(int64(i)))
	}
	h(f.String()[:40])
	buf := make([]byte, 0, 1<<16)
	for i := 0; i < int(200000*scale); i++ {
		buf = fmt.Appendf(buf[:0], "%d-%x-%s", i, i*31, "tune")
		if i%1000 == 0 {
			h(string(buf))
		}
	}
}

func main() {
	scale := 1.0
	if len(os.Args) > 1 {
		if v, err := strconv.ParseFloat(os.Args[1], 64); err == nil {
			scale = v
		}
	}
	hs := fnv.New64a()
	h := func(s string) { hs.Write([]byte(s)); hs.Write([]byte{0}) }
	if len(os.Args) > 2 && os.Args[2] == "tune" {
		tune(scale, h)
	} else {
		reported(scale, h)
	}
	fmt.Printf("checksum: %016x\n", hs.Sum64())
}
