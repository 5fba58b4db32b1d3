package payload

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse measures the strict parse of each platform's recorded
// deliveries (providers/<name>/testdata/*.json), the part of every
// adapter's Decode that walks the body.
func BenchmarkParse(b *testing.B) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "*", "testdata", "*.json"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no recorded deliveries found: %v", err)
	}
	for _, path := range paths {
		body, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		name := filepath.Base(filepath.Dir(filepath.Dir(path))) + "/" + filepath.Base(path)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				r := NewReader("bench")
				if r.Parse(body); r.Failed() {
					b.Fatal(r.Err())
				}
			}
		})
	}
}
