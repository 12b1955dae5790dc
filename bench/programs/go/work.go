// work: standard-library work for the debugger benchmark (bench/debug.sh),
// built with GOOS=wasip1 GOARCH=wasm. Each round generates records, then
// encodes them as JSON and decodes them, sorts them, gzips and gunzips the
// JSON and runs regexps over it. Argument: the number of rounds (default 8);
// prints one line per round and a checksum.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type Record struct {
	ID     int               `json:"id"`
	Name   string            `json:"name"`
	Email  string            `json:"email"`
	Score  float64           `json:"score"`
	Tags   []string          `json:"tags"`
	Attrs  map[string]string `json:"attrs"`
	Active bool              `json:"active"`
}

var words = strings.Fields("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega")

var emailRe = regexp.MustCompile(`"email":"([a-z]+)\.([a-z]+)[0-9]*@([a-z]+)\.example"`)
var tagRe = regexp.MustCompile(`(?i)"(ta|th|ph)[a-z]*"`)

func generate(r *rand.Rand, n int) []Record {
	recs := make([]Record, n)
	for i := range recs {
		w := func() string { return words[r.Intn(len(words))] }
		rec := Record{ID: r.Intn(1 << 30), Name: w() + " " + w(), Score: r.Float64() * 100, Active: r.Intn(3) != 0,
			Email: w() + "." + w() + strconv.Itoa(r.Intn(100)) + "@" + w() + ".example", Attrs: map[string]string{}}
		for t := r.Intn(6); t >= 0; t-- {
			rec.Tags = append(rec.Tags, w())
		}
		for a := r.Intn(4); a >= 0; a-- {
			rec.Attrs[w()] = strconv.Itoa(r.Intn(1000))
		}
		recs[i] = rec
	}
	return recs
}

//go:noinline
func round(i, n int, sum []byte) []byte {
	r := rand.New(rand.NewSource(int64(i) + 1))
	recs := generate(r, n)
	js, err := json.Marshal(recs)
	check(err)
	var back []Record
	check(json.Unmarshal(js, &back))
	sort.Slice(back, func(a, b int) bool {
		if back[a].Score != back[b].Score {
			return back[a].Score < back[b].Score
		}
		return back[a].ID < back[b].ID
	})
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	_, err = zw.Write(js)
	check(err)
	check(zw.Close())
	zr, err := gzip.NewReader(bytes.NewReader(z.Bytes()))
	check(err)
	unz, err := io.ReadAll(zr)
	check(err)
	if !bytes.Equal(unz, js) {
		panic("gzip round trip")
	}
	emails := emailRe.FindAllSubmatch(js, -1)
	tags := len(tagRe.FindAllIndex(js, -1))
	h := sha256.New()
	h.Write(sum)
	for _, rec := range back {
		fmt.Fprintf(h, "%d %s %.6f %v|", rec.ID, rec.Name, rec.Score, rec.Tags)
	}
	for _, m := range emails {
		h.Write(m[3])
	}
	fmt.Printf("round %d: %d records, json %d B, gzip %d B, %d emails, %d tags\n", i, len(back), len(js), z.Len(), len(emails), tags)
	return h.Sum(nil)
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}

func main() {
	rounds, n := 8, 2000
	if len(os.Args) > 1 {
		rounds, _ = strconv.Atoi(os.Args[1])
	}
	if len(os.Args) > 2 {
		n, _ = strconv.Atoi(os.Args[2])
	}
	var sum []byte
	for i := 0; i < rounds; i++ {
		sum = round(i, n, sum)
	}
	fmt.Printf("checksum: %x\n", sum)
}
