// gen_corpus writes the signed seed inputs of the fuzz corpora with the Go
// reference implementation (golang.org/x/mod/sumdb/note and tlog), so the
// seeds are independent of our own signing and Merkle code.  Run it from
// the repository root:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run tests/fuzz/gen_corpus.go
//
// The keys are derived from fixed seeds, so the output is reproducible.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const dir = "tests/fuzz/corpus"

// The station key that fuzz_note.c and fuzz_ckpt.c verify against.
const stationName = "example.gov.cn/station-01"

var stationSeed = []byte("custos fuzz corpus station key!!")

// The other key signs notes that must fail with CUSTOS_ERR_KEY.
var otherSeed = []byte("custos fuzz corpus another key!!")

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func write(sub, name string, data []byte) {
	must(os.WriteFile(filepath.Join(dir, sub, name), data, 0o644))
}

func keys(name string, seed []byte) (note.Signer, string) {
	skey, vkey, err := note.GenerateKey(bytes.NewReader(seed), name)
	must(err)
	s, err := note.NewSigner(skey)
	must(err)
	return s, vkey
}

func sign(text string, signers ...note.Signer) []byte {
	msg, err := note.Sign(&note.Note{Text: text}, signers...)
	must(err)
	return msg
}

// tree holds the stored hashes of a log of n entries "entry <i>".
func tree(n int64) []tlog.Hash {
	var hashes []tlog.Hash
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	for i := int64(0); i < n; i++ {
		h, err := tlog.StoredHashes(i, []byte(fmt.Sprintf("entry %d", i)), r)
		must(err)
		hashes = append(hashes, h...)
	}
	return hashes
}

func reader(hashes []tlog.Hash) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
}

func proofText(p []tlog.Hash) string {
	var b strings.Builder
	for _, h := range p {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
	}
	return b.String()
}

// proofInput is the fuzz_proof.c input layout: a flags byte (bit 0:
// consistency, bit 1: SM3), two little-endian uint64 (index and size, or
// old and new size), two hashes (leaf and root, or old and new root), then
// the proof file.
func proofInput(flags byte, a, b int64, h1, h2 tlog.Hash, proof string) []byte {
	var buf bytes.Buffer
	buf.WriteByte(flags)
	must(binary.Write(&buf, binary.LittleEndian, uint64(a)))
	must(binary.Write(&buf, binary.LittleEndian, uint64(b)))
	buf.Write(h1[:])
	buf.Write(h2[:])
	buf.WriteString(proof)
	return buf.Bytes()
}

func main() {
	station, stationVkey := keys(stationName, stationSeed)
	other, otherVkey := keys("other.example/log", otherSeed)
	fmt.Println("station verifier key:", stationVkey)

	const n = 7
	hashes := tree(n)
	r := reader(hashes)
	root, err := tlog.TreeHash(n, r)
	must(err)
	body := fmt.Sprintf("%s\n%d\n%s\n", stationName, n,
		base64.StdEncoding.EncodeToString(root[:]))

	// Checkpoints.
	write("ckpt", "valid.note", sign(body, station))
	write("ckpt", "valid_ext.note", sign(body+"extension line one\nsecond\n", station))
	write("ckpt", "cosigned.note", sign(body, station, other))
	write("ckpt", "other_key.note", sign(body, other))
	write("ckpt", "body.txt", []byte(body))
	tampered := sign(body, station)
	tampered = bytes.Replace(tampered, []byte("\n7\n"), []byte("\n8\n"), 1)
	write("ckpt", "tampered_size.note", tampered)
	empty := sha256.Sum256(nil)
	emptyRoot := base64.StdEncoding.EncodeToString(empty[:])
	write("ckpt", "empty_tree.note", sign(fmt.Sprintf("%s\n0\n%s\n", stationName,
		emptyRoot), station))
	write("ckpt", "leading_zero.note", sign(fmt.Sprintf("%s\n07\n%s\n", stationName,
		base64.StdEncoding.EncodeToString(root[:])), station))

	// Notes: the checkpoints above plus a free-text note.
	write("note", "ckpt.note", sign(body, station))
	write("note", "two_sigs.note", sign("hello, world\n", station, other))
	write("note", "other.note", sign("signed by the other key\n", other))

	// Inclusion proof of leaf 3 and consistency proof 3 -> 7.
	leaf := hashes[tlog.StoredHashIndex(0, 3)]
	rp, err := tlog.ProveRecord(n, 3, r)
	must(err)
	must(tlog.CheckRecord(rp, n, root, 3, leaf))
	write("proof", "inclusion_3_7", proofInput(0, 3, n, leaf, root, proofText(rp)))
	oldRoot, err := tlog.TreeHash(3, r)
	must(err)
	tp, err := tlog.ProveTree(n, 3, r)
	must(err)
	must(tlog.CheckTree(tp, n, root, 3, oldRoot))
	write("proof", "consistency_3_7", proofInput(1, 3, n, oldRoot, root, proofText(tp)))
	// A one-leaf tree: the empty proof.
	leaf0 := hashes[0]
	write("proof", "inclusion_0_1", proofInput(0, 0, 1, leaf0, leaf0, ""))
	write("proof", "consistency_7_7", proofInput(1, n, n, root, root, ""))
	bad := rp
	bad[0][0] ^= 1
	write("proof", "inclusion_bad", proofInput(0, 3, n, leaf, root, proofText(bad)))

	// Verifier keys.
	write("vkey", "station.vkey", []byte(stationVkey))
	write("vkey", "other.vkey", []byte(otherVkey))
}
