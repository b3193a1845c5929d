// Command tilecheck is the Go side of the tiles interoperability test: it
// reads a log published as C2SP tlog-tiles (c2sp.org/tlog-tiles) from a
// directory, as a mirror would after plain HTTP GETs, and verifies it
// with Go's own golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog.
//
//	tilecheck [-checkpoint FILE] [-old FILE] VKEYFILE DIR
//
// It opens DIR/checkpoint (or FILE) with the verifier key, reads hash
// tiles through tlog.TileHashReader with a TileReader over DIR's
// tile/<L>/<N>[.p/<W>] files (C2SP paths: no height element, unlike the
// Go checksum database's tile/8/...), and checks that
//
//   - the tiles hash to the checkpoint's root (tlog.TreeHash), and every
//     full tile hashes to the hash its parent tile holds for it (checked
//     here too: see checkFullTiles);
//   - ProveRecord and CheckRecord succeed for several entries;
//   - every entry of every entry bundle tile/entries/<N>[.p/<W>] (big-endian
//     uint16 length, then the entry) hashes (tlog.RecordHash) to the
//     authenticated leaf hash of its index, and each bundle holds exactly
//     its width of entries;
//   - with -old, that the old checkpoint (signed by the same key) is a
//     prefix of the new tree (tlog.ProveTree, tlog.CheckTree from the new
//     tree's tiles).
//
// It prints "OK ..." and exits 0 if all of it verifies, prints "FAIL ..."
// and exits 1 if anything does not, and exits 2 for bad usage or
// unreadable input (a missing checkpoint or key).
//
// Build it in GOPATH mode without network access:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off GOFLAGS= \
//	    go build -o tilecheck tests/interop/tilecheck.go
package main

import (
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8
const width = 1 << height

// tilePath is the C2SP tlog-tiles path of t: tile/<L>/<N>[.p/<W>], or
// tile/entries/<N>[.p/<W>] for L == -1.  tlog.Tile.Path would add the
// height ("tile/8/0/000"), which C2SP leaves out.
func tilePath(t tlog.Tile) string {
	p := tlog.Tile{H: t.H, L: 0, N: t.N, W: t.W}.Path()
	// "tile/8/0/" + the index and suffix
	rest := strings.TrimPrefix(p, fmt.Sprintf("tile/%d/0/", t.H))
	if t.L == -1 {
		return "tile/entries/" + rest
	}
	return fmt.Sprintf("tile/%d/%s", t.L, rest)
}

// dirReader is a tlog.TileReader over a published directory.
type dirReader struct {
	dir   string
	reads int
}

func (r *dirReader) Height() int { return height }

func (r *dirReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, err := os.ReadFile(filepath.Join(r.dir, tilePath(t)))
		if err != nil {
			return nil, err
		}
		if len(data) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("%s: %d bytes, want %d", tilePath(t),
				len(data), t.W*tlog.HashSize)
		}
		out[i] = data
		r.reads++
	}
	return out, nil
}

func (r *dirReader) SaveTiles([]tlog.Tile, [][]byte) {}

type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }

// openCheckpoint opens a signed checkpoint note and parses its body:
// origin (the key's name), size, base64 root.
func openCheckpoint(path string, v note.Verifier) (tlog.Tree, error) {
	var t tlog.Tree
	data, err := os.ReadFile(path)
	if err != nil {
		return t, usageError{err}
	}
	n, err := note.Open(data, note.VerifierList(v))
	if err != nil {
		return t, fmt.Errorf("%s: %v", path, err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != v.Name() {
		return t, fmt.Errorf("%s: not a checkpoint of %s", path, v.Name())
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil || lines[1] != strconv.FormatUint(size, 10) || size > math.MaxInt64 {
		return t, fmt.Errorf("%s: bad tree size %q", path, lines[1])
	}
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return t, fmt.Errorf("%s: bad root %q", path, lines[2])
	}
	t.N = int64(size)
	copy(t.Hash[:], root)
	return t, nil
}

// tileRoot is the Merkle tree hash of the hashes of a full tile.
func tileRoot(data []byte) tlog.Hash {
	if len(data) == tlog.HashSize {
		var h tlog.Hash
		copy(h[:], data)
		return h
	}
	return tlog.NodeHash(tileRoot(data[:len(data)/2]), tileRoot(data[len(data)/2:]))
}

// checkFullTiles authenticates every full hash tile of tree against the
// hash its parent tile holds for it.  The partial tiles on the right
// edge are authenticated by tlog.TreeHash (they hold exactly the hashes
// of the tree's complete subtrees), so every tile is then proven by the
// root.  tlog.TileHashReader is meant to do this for the tiles it reads,
// but its loop over them starts at the number of subtree hashes instead
// of the number of tiles holding them, so when several of those hashes
// share a tile it returns hashes from full tiles it never checked.
func checkFullTiles(r *dirReader, tree tlog.Tree) (int, error) {
	// Top down, so that the first tile found wrong is the one that is.
	top := 0
	for tree.N>>(height*(top+1)) > 0 {
		top++
	}
	checked := 0
	for level := top; level >= 0; level-- {
		full := tree.N >> (height * level) / width
		for n := int64(0); n < full; n++ {
			pw := full - n/width*width
			if pw > width {
				pw = width
			}
			t := tlog.Tile{H: height, L: level, N: n, W: width}
			p := tlog.Tile{H: height, L: level + 1, N: n / width, W: int(pw)}
			data, err := r.ReadTiles([]tlog.Tile{t, p})
			if err != nil {
				return checked, err
			}
			i := n % width
			var want tlog.Hash
			copy(want[:], data[1][i*tlog.HashSize:])
			if tileRoot(data[0]) != want {
				return checked, fmt.Errorf("%s does not hash to hash %d of %s",
					tilePath(t), i, tilePath(p))
			}
			checked++
		}
	}
	return checked, nil
}

// checkBundles checks every entry bundle of tree against the
// authenticated leaf hashes and returns the number of entries checked.
func checkBundles(dir string, tree tlog.Tree, thr tlog.HashReader) (int64, error) {
	var checked int64
	for n := int64(0); n*width < tree.N; n++ {
		w := tree.N - n*width
		if w > width {
			w = width
		}
		path := tilePath(tlog.Tile{H: height, L: -1, N: n, W: int(w)})
		data, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			return checked, err
		}
		indexes := make([]int64, w)
		for i := range indexes {
			indexes[i] = tlog.StoredHashIndex(0, n*width+int64(i))
		}
		leaves, err := thr.ReadHashes(indexes)
		if err != nil {
			return checked, fmt.Errorf("%s: leaf hashes: %v", path, err)
		}
		for i := int64(0); i < w; i++ {
			if len(data) < 2 {
				return checked, fmt.Errorf("%s: %d entries, want %d", path, i, w)
			}
			l := int(data[0])<<8 | int(data[1])
			if len(data) < 2+l {
				return checked, fmt.Errorf("%s: entry %d truncated", path, n*width+i)
			}
			if tlog.RecordHash(data[2:2+l]) != leaves[i] {
				return checked, fmt.Errorf("%s: entry %d does not hash to its leaf", path, n*width+i)
			}
			data = data[2+l:]
			checked++
		}
		if len(data) != 0 {
			return checked, fmt.Errorf("%s: %d bytes after its %d entries", path, len(data), w)
		}
	}
	return checked, nil
}

// checkRecords proves and checks a few entries' inclusion from the tiles.
func checkRecords(dir string, tree tlog.Tree, thr tlog.HashReader) (int, error) {
	picks := map[int64]bool{0: true, tree.N - 1: true, tree.N / 2: true,
		width - 1: true, width: true, tree.N - width: true}
	n := 0
	for i := range picks {
		if i < 0 || i >= tree.N {
			continue
		}
		leaf, err := thr.ReadHashes([]int64{tlog.StoredHashIndex(0, i)})
		if err != nil {
			return n, err
		}
		p, err := tlog.ProveRecord(tree.N, i, thr)
		if err != nil {
			return n, fmt.Errorf("proof of entry %d: %v", i, err)
		}
		if err := tlog.CheckRecord(p, tree.N, tree.Hash, i, leaf[0]); err != nil {
			return n, fmt.Errorf("entry %d: %v", i, err)
		}
		n++
	}
	return n, nil
}

func run(vkey, dir, cpFile, oldFile string) (string, error) {
	data, err := os.ReadFile(vkey)
	if err != nil {
		return "", usageError{err}
	}
	v, err := note.NewVerifier(strings.TrimSuffix(string(data), "\n"))
	if err != nil {
		return "", usageError{fmt.Errorf("%s: %v", vkey, err)}
	}
	if cpFile == "" {
		cpFile = filepath.Join(dir, "checkpoint")
	}
	tree, err := openCheckpoint(cpFile, v)
	if err != nil {
		return "", err
	}
	r := &dirReader{dir: dir}
	thr := tlog.TileHashReader(tree, r)
	th, err := tlog.TreeHash(tree.N, thr)
	if err != nil {
		return "", fmt.Errorf("tree hash from the tiles: %v", err)
	}
	if th != tree.Hash {
		return "", errors.New("the tiles do not hash to the checkpoint's root")
	}
	full, err := checkFullTiles(r, tree)
	if err != nil {
		return "", err
	}
	proved, err := checkRecords(dir, tree, thr)
	if err != nil {
		return "", err
	}
	entries, err := checkBundles(dir, tree, thr)
	if err != nil {
		return "", err
	}
	msg := fmt.Sprintf("tree size %d: root, %d full tiles, %d record proofs, %d entries in bundles, %d tile reads",
		tree.N, full, proved, entries, r.reads)
	if oldFile != "" {
		old, err := openCheckpoint(oldFile, v)
		if err != nil {
			return "", err
		}
		if old.N > tree.N {
			return "", fmt.Errorf("old tree size %d > %d", old.N, tree.N)
		}
		p, err := tlog.ProveTree(tree.N, old.N, thr)
		if err != nil {
			return "", fmt.Errorf("consistency proof %d -> %d: %v", old.N, tree.N, err)
		}
		if err := tlog.CheckTree(p, tree.N, tree.Hash, old.N, old.Hash); err != nil {
			return "", fmt.Errorf("consistency %d -> %d: %v", old.N, tree.N, err)
		}
		msg += fmt.Sprintf(", consistent with tree size %d", old.N)
	}
	return msg, nil
}

func main() {
	cp := flag.String("checkpoint", "", "the checkpoint to verify against (default DIR/checkpoint)")
	old := flag.String("old", "", "an older checkpoint the tree must extend")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: tilecheck [-checkpoint FILE] [-old FILE] VKEYFILE DIR")
		os.Exit(2)
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
	}
	msg, err := run(flag.Arg(0), flag.Arg(1), *cp, *old)
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Printf("ERROR %v\n", err)
		os.Exit(2)
	case err != nil:
		fmt.Printf("FAIL %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("OK %s\n", msg)
}
