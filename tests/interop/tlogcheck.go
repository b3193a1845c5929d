// Command tlogcheck is the Go side of the Custos interoperability test.
// It builds transparency logs and checks them with Go's own
// golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog, so that
// our C implementation is compared with an independent one.
//
//	tlogcheck make DIR N
//	tlogcheck check-checkpoint VKEYFILE CP
//	tlogcheck check-inclusion VKEYFILE CP INDEX PROOF ENTRY
//	tlogcheck check-consistency VKEYFILE OLDCP NEWCP PROOF
//	tlogcheck check-receipt VKEYFILE RECEIPT
//	tlogcheck check-bundle VKEYFILE DIR
//
// "make" writes a log of N entries in the layout of an evidence bundle:
// key.vkey, checkpoint, entries/<i>.json, proofs/<i>.proof, and for a few
// smaller sizes M, checkpoint.<M> and consistency.<M>.proof, and a
// receipt receipts/<i>.tlog-proof (c2sp.org/tlog-proof@v1) per entry.
//
// "check-bundle" checks an evidence bundle directory (docs/bundle.md,
// steps 1, 3 and 4) with Go's libraries only: the signed checkpoint, the
// inclusion of every entries/<i>.json by proofs/<i>.proof, and the
// SHA-256 of every media/<hex>.<ext> against its name (and against the
// object and size of a proven entry that seals it).  It prints a line per
// failure before its result.  The RFC 3161 token is openssl's part.
//
// The checks print one line and exit 0 if the input verifies, 1 if it does
// not, and 2 for bad usage or unreadable input.
//
// Build it in GOPATH mode without network access:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off GOFLAGS= \
//	    go build -o tlogcheck tests/interop/tlogcheck.go
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// The origin line of the checkpoints and the name of the key.
const origin = "interop.example/log"

// usageError marks failures that are not verification failures: bad
// arguments or unreadable files.  They exit with status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }

func usagef(format string, args ...interface{}) error {
	return usageError{fmt.Errorf(format, args...)}
}

// b64 is strict: only the canonical encoding of a byte string is accepted,
// as in the C implementation.
var b64 = base64.StdEncoding.Strict()

// decodeHash decodes one base64 hash of tlog.HashSize bytes.
func decodeHash(s string) (tlog.Hash, bool) {
	var h tlog.Hash
	b, err := b64.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		return h, false
	}
	copy(h[:], b)
	return h, true
}

// decimal parses a non-negative decimal without leading zeros.
func decimal(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || s != strconv.FormatInt(n, 10) {
		return 0, false
	}
	return n, true
}

func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageError{err}
	}
	return data, nil
}

// readVerifier reads a verifier key file: one line, ending in a newline.
func readVerifier(path string) (note.Verifier, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	s := strings.TrimSuffix(string(data), "\n")
	v, err := note.NewVerifier(s)
	if err != nil {
		return nil, usagef("%s: %v", path, err)
	}
	return v, nil
}

// checkpoint is a parsed C2SP tlog-checkpoint body.
type checkpoint struct {
	size int64
	root tlog.Hash
}

// parseCheckpoint parses the body: origin, decimal size without leading
// zeros, base64 root of 32 bytes, then non-empty extension lines.
// tlog.ParseTree cannot be used because it insists on the go.sum origin.
func parseCheckpoint(text, wantOrigin string) (checkpoint, error) {
	var c checkpoint
	if !strings.HasSuffix(text, "\n") {
		return c, errors.New("checkpoint does not end in a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return c, errors.New("checkpoint has fewer than three lines")
	}
	if lines[0] != wantOrigin {
		return c, fmt.Errorf("origin %q is not the key name %q", lines[0], wantOrigin)
	}
	n, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil || lines[1] != strconv.FormatUint(n, 10) || n > math.MaxInt64 {
		return c, fmt.Errorf("bad tree size %q", lines[1])
	}
	root, ok := decodeHash(lines[2])
	if !ok {
		return c, fmt.Errorf("bad root hash %q", lines[2])
	}
	for _, ext := range lines[3:] {
		if ext == "" {
			return c, errors.New("empty extension line")
		}
	}
	c.size = int64(n)
	c.root = root
	return c, nil
}

// verifyCheckpoint checks the signed checkpoint msg with v and parses it.
func verifyCheckpoint(v note.Verifier, msg []byte) (checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return checkpoint{}, err
	}
	return parseCheckpoint(n.Text, v.Name())
}

// openCheckpoint reads a signed checkpoint and checks it with v.
func openCheckpoint(v note.Verifier, path string) (checkpoint, error) {
	msg, err := readFile(path)
	if err != nil {
		return checkpoint{}, err
	}
	c, err := verifyCheckpoint(v, msg)
	if err != nil {
		return checkpoint{}, fmt.Errorf("%s: %v", path, err)
	}
	return c, nil
}

// readProof reads a proof file: one base64 hash a line, each line ending
// in a newline; an empty file is an empty proof.
func readProof(path string) ([]tlog.Hash, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	s := string(data)
	if s == "" {
		return nil, nil
	}
	if !strings.HasSuffix(s, "\n") {
		return nil, fmt.Errorf("%s: last line does not end in a newline", path)
	}
	var proof []tlog.Hash
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		h, ok := decodeHash(line)
		if !ok {
			return nil, fmt.Errorf("%s: bad hash %q", path, line)
		}
		proof = append(proof, h)
	}
	return proof, nil
}

func parseIndex(s string) (int64, error) {
	n, ok := decimal(s)
	if !ok {
		return 0, usagef("bad index %q", s)
	}
	return n, nil
}

// commandVerifier checks that a command has its n arguments (else usage
// is the error) and reads the verifier key file that comes first.
func commandVerifier(args []string, n int, usage string) (note.Verifier, error) {
	if len(args) != n {
		return nil, usagef("usage: %s", usage)
	}
	return readVerifier(args[0])
}

// checkEntry checks that entry is entry index of the tree of c by proof.
func checkEntry(c checkpoint, index int64, proof tlog.RecordProof, entry []byte) error {
	if index >= c.size {
		return fmt.Errorf("index %d is not in a tree of size %d", index, c.size)
	}
	if err := tlog.CheckRecord(proof, c.size, c.root, index, tlog.RecordHash(entry)); err != nil {
		return fmt.Errorf("entry %d: %v", index, err)
	}
	return nil
}

func checkCheckpoint(args []string) (string, error) {
	v, err := commandVerifier(args, 2, "check-checkpoint VKEYFILE CP")
	if err != nil {
		return "", err
	}
	c, err := openCheckpoint(v, args[1])
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("checkpoint of %s verified: size %d root %s", v.Name(), c.size, c.root), nil
}

func checkInclusion(args []string) (string, error) {
	v, err := commandVerifier(args, 5, "check-inclusion VKEYFILE CP INDEX PROOF ENTRY")
	if err != nil {
		return "", err
	}
	index, err := parseIndex(args[2])
	if err != nil {
		return "", err
	}
	c, err := openCheckpoint(v, args[1])
	if err != nil {
		return "", err
	}
	proof, err := readProof(args[3])
	if err != nil {
		return "", err
	}
	entry, err := readFile(args[4])
	if err != nil {
		return "", err
	}
	if err := checkEntry(c, index, proof, entry); err != nil {
		return "", err
	}
	return fmt.Sprintf("entry %d included in tree of size %d", index, c.size), nil
}

func checkConsistency(args []string) (string, error) {
	v, err := commandVerifier(args, 4, "check-consistency VKEYFILE OLDCP NEWCP PROOF")
	if err != nil {
		return "", err
	}
	old, err := openCheckpoint(v, args[1])
	if err != nil {
		return "", err
	}
	cur, err := openCheckpoint(v, args[2])
	if err != nil {
		return "", err
	}
	proof, err := readProof(args[3])
	if err != nil {
		return "", err
	}
	if old.size < 1 || old.size > cur.size {
		return "", fmt.Errorf("sizes %d and %d cannot be consistent", old.size, cur.size)
	}
	if err := tlog.CheckTree(tlog.TreeProof(proof), cur.size, cur.root, old.size, old.root); err != nil {
		return "", fmt.Errorf("%d -> %d: %v", old.size, cur.size, err)
	}
	return fmt.Sprintf("tree of size %d consistent with size %d", old.size, cur.size), nil
}

// receiptHeader is the first line of a c2sp.org/tlog-proof@v1 receipt.
const receiptHeader = "c2sp.org/tlog-proof@v1"

// receipt is a parsed tlog-proof: extra data, index, inclusion proof and
// the signed checkpoint note.
type receipt struct {
	extra []byte
	index int64
	proof tlog.RecordProof
	note  []byte
}

// parseReceipt parses a tlog-proof strictly: the header line, an
// "extra" line (required here: it holds the entry), "index" in decimal
// without leading zeros, one base64 hash a line, an empty line and the
// checkpoint note.  It is written from the C2SP text, not from our C code.
func parseReceipt(data []byte) (receipt, error) {
	var r receipt
	head, note, ok := bytes.Cut(data, []byte("\n\n"))
	if !ok {
		return r, errors.New("no empty line before the checkpoint")
	}
	lines := strings.Split(string(head), "\n")
	if len(lines) < 3 || lines[0] != receiptHeader {
		return r, errors.New("not a " + receiptHeader + " receipt")
	}
	// strings.CutPrefix is newer than the Go 1.19 we build with.
	if !strings.HasPrefix(lines[1], "extra ") {
		return r, errors.New("no extra line")
	}
	extra, err := b64.DecodeString(strings.TrimPrefix(lines[1], "extra "))
	if err != nil || len(extra) == 0 {
		return r, fmt.Errorf("bad extra data: %v", err)
	}
	if !strings.HasPrefix(lines[2], "index ") {
		return r, errors.New("no index line")
	}
	i := strings.TrimPrefix(lines[2], "index ")
	n, ok := decimal(i)
	if !ok {
		return r, fmt.Errorf("bad index %q", i)
	}
	for _, l := range lines[3:] {
		h, ok := decodeHash(l)
		if !ok {
			return r, fmt.Errorf("bad proof hash %q", l)
		}
		r.proof = append(r.proof, h)
	}
	r.extra, r.index, r.note = extra, n, note
	return r, nil
}

func checkReceipt(args []string) (string, error) {
	v, err := commandVerifier(args, 2, "check-receipt VKEYFILE RECEIPT")
	if err != nil {
		return "", err
	}
	data, err := readFile(args[1])
	if err != nil {
		return "", err
	}
	r, err := parseReceipt(data)
	if err != nil {
		return "", fmt.Errorf("%s: %v", args[1], err)
	}
	c, err := verifyCheckpoint(v, r.note)
	if err != nil {
		return "", fmt.Errorf("%s: checkpoint: %v", args[1], err)
	}
	if err := checkEntry(c, r.index, r.proof, r.extra); err != nil {
		return "", err
	}
	return fmt.Sprintf("receipt: entry %d included in tree of size %d", r.index, c.size), nil
}

// formatReceipt writes the tlog-proof of entry i.
func formatReceipt(entry []byte, i int64, p tlog.RecordProof, cp []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\nextra %s\nindex %d\n", receiptHeader, b64.EncodeToString(entry), i)
	b.Write(formatProof(p))
	b.WriteString("\n")
	b.Write(cp)
	return b.Bytes()
}

// memLog is a log kept in memory as its stored hashes (tlog's layout).
type memLog struct{ hashes []tlog.Hash }

func (l *memLog) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(l.hashes)) {
			return nil, fmt.Errorf("hash %d not stored", x)
		}
		out[i] = l.hashes[x]
	}
	return out, nil
}

func writeFile(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return usageError{err}
	}
	return nil
}

func formatProof(p []tlog.Hash) []byte {
	var b strings.Builder
	for _, h := range p {
		b.WriteString(h.String())
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// signCheckpoint signs the checkpoint of the first n entries.
func signCheckpoint(l *memLog, n int64, s note.Signer) ([]byte, error) {
	root, err := tlog.TreeHash(n, l)
	if err != nil {
		return nil, err
	}
	text := fmt.Sprintf("%s\n%d\n%s\n", origin, n, root)
	return note.Sign(&note.Note{Text: text}, s)
}

// smallerSizes returns the sizes of the older checkpoints: 1, N/2, N-1
// and N itself (whose consistency proof is empty).
func smallerSizes(n int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, m := range []int64{1, n / 2, n - 1, n} {
		if m >= 1 && m <= n && !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func makeLog(args []string) (string, error) {
	if len(args) != 2 {
		return "", usagef("usage: make DIR N")
	}
	dir := args[0]
	n, err := strconv.ParseInt(args[1], 10, 64)
	if err != nil || n < 1 || n > 1<<20 {
		return "", usagef("bad size %q", args[1])
	}
	for _, d := range []string{"entries", "proofs", "receipts"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return "", usageError{err}
		}
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return "", err
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return "", err
	}
	if err := writeFile(filepath.Join(dir, "key.vkey"), []byte(vkey+"\n")); err != nil {
		return "", err
	}

	l := &memLog{}
	for i := int64(0); i < n; i++ {
		// The reserved fields that custos-verify receipt checks.
		entry := []byte(fmt.Sprintf(`{"type":"interop","index":%d,"station":%q}`, i, origin))
		hashes, err := tlog.StoredHashes(i, entry, l)
		if err != nil {
			return "", err
		}
		l.hashes = append(l.hashes, hashes...)
		if err := writeFile(filepath.Join(dir, "entries", fmt.Sprintf("%d.json", i)), entry); err != nil {
			return "", err
		}
	}
	cp, err := signCheckpoint(l, n, signer)
	if err != nil {
		return "", err
	}
	if err := writeFile(filepath.Join(dir, "checkpoint"), cp); err != nil {
		return "", err
	}
	for i := int64(0); i < n; i++ {
		p, err := tlog.ProveRecord(n, i, l)
		if err != nil {
			return "", err
		}
		if err := writeFile(filepath.Join(dir, "proofs", fmt.Sprintf("%d.proof", i)), formatProof(p)); err != nil {
			return "", err
		}
		entry, err := os.ReadFile(filepath.Join(dir, "entries", fmt.Sprintf("%d.json", i)))
		if err != nil {
			return "", usageError{err}
		}
		if err := writeFile(filepath.Join(dir, "receipts", fmt.Sprintf("%d.tlog-proof", i)), formatReceipt(entry, i, p, cp)); err != nil {
			return "", err
		}
	}
	for _, m := range smallerSizes(n) {
		cp, err := signCheckpoint(l, m, signer)
		if err != nil {
			return "", err
		}
		if err := writeFile(filepath.Join(dir, fmt.Sprintf("checkpoint.%d", m)), cp); err != nil {
			return "", err
		}
		p, err := tlog.ProveTree(n, m, l)
		if err != nil {
			return "", err
		}
		if err := writeFile(filepath.Join(dir, fmt.Sprintf("consistency.%d.proof", m)), formatProof(p)); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("made log of %d entries in %s", n, dir), nil
}

// sealed is what a proven entry says of the object it seals.
type sealed struct {
	Object string `json:"object"`
	Size   *int64 `json:"size"`
}

// hashFile returns the lower-case hex SHA-256 of a file and its size,
// reading it in pieces.
func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// isHex64 says whether s is 64 lower-case hex digits (a SHA-256 name).
func isHex64(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// listDir returns the names in dir/sub, sorted; a missing sub is an
// error since every bundle has entries and proofs.
func listDir(dir, sub string) ([]string, error) {
	des, err := os.ReadDir(filepath.Join(dir, sub))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names, nil
}

func checkBundle(args []string) (string, error) {
	v, err := commandVerifier(args, 2, "check-bundle VKEYFILE DIR")
	if err != nil {
		return "", err
	}
	dir := args[1]
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", usagef("%s is not a bundle directory", dir)
	}
	// Go's tlog hashes with SHA-256: a bundle of the sm profile (SM3)
	// cannot be checked here at all.
	if m, err := os.ReadFile(filepath.Join(dir, "MANIFEST.json")); err == nil {
		var man struct {
			Profile string `json:"profile"`
		}
		if json.Unmarshal(m, &man) == nil && man.Profile != "" && man.Profile != "default" {
			return "", usagef("%s: profile %q: only the SHA-256 profile can be checked with Go's tlog", dir, man.Profile)
		}
	}
	failures := 0
	failf := func(format string, args ...interface{}) {
		failures++
		fmt.Printf("FAIL "+format+"\n", args...)
	}
	summary := func(proven, media int) string {
		return fmt.Sprintf("bundle: %d entries proven, %d media files match", proven, media)
	}

	// Step 1: the checkpoint, signed by the key the reviewer trusts.
	c, err := openCheckpoint(v, filepath.Join(dir, "checkpoint"))
	if err != nil {
		var uerr usageError
		if errors.As(err, &uerr) {
			return "", err
		}
		fmt.Printf("FAIL %v\n", err)
		return "", fmt.Errorf("checkpoint not verified; %s", summary(0, 0))
	}
	// station.vkey only says which key the station claims.
	if sv, err := os.ReadFile(filepath.Join(dir, "station.vkey")); err != nil {
		failf("station.vkey: %v", err)
	} else if kv, _ := os.ReadFile(args[0]); strings.TrimSuffix(string(sv), "\n") != strings.TrimSuffix(string(kv), "\n") {
		failf("station.vkey is not the key in %s", args[0])
	}

	// Step 3: each entry is in the checkpoint's tree.
	objects := map[string]int64{} // hex -> size, from proven entries
	proven := 0
	names, err := listDir(dir, "entries")
	if err != nil {
		failf("entries: %v", err)
	}
	for _, name := range names {
		p := filepath.Join("entries", name)
		if !strings.HasSuffix(name, ".json") {
			failf("%s: not an entry name", p)
			continue
		}
		index, err := parseIndex(strings.TrimSuffix(name, ".json"))
		if err != nil {
			failf("%s: not an entry name", p)
			continue
		}
		entry, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			failf("%s: %v", p, err)
			continue
		}
		proof, err := readProof(filepath.Join(dir, "proofs", fmt.Sprintf("%d.proof", index)))
		if err != nil {
			failf("%s: proof: %v", p, err)
			continue
		}
		if index >= c.size {
			failf("%s: index %d is not in a tree of size %d", p, index, c.size)
			continue
		}
		if err := tlog.CheckRecord(tlog.RecordProof(proof), c.size, c.root, index, tlog.RecordHash(entry)); err != nil {
			failf("%s: not included in tree of size %d: %v", p, c.size, err)
			continue
		}
		proven++
		var s sealed
		if json.Unmarshal(entry, &s) == nil && strings.HasPrefix(s.Object, "sha256:") && s.Size != nil {
			objects[strings.TrimPrefix(s.Object, "sha256:")] = *s.Size
		}
	}
	if len(names) == 0 {
		failf("entries: no entries in %s", dir)
	}

	// Step 4: each media file is the sealed one.
	matched := 0
	media, err := listDir(dir, "media")
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		failf("media: %v", err)
	}
	for _, name := range media {
		p := filepath.Join("media", name)
		want, _, _ := strings.Cut(name, ".")
		if !isHex64(want) {
			failf("%s: not named by a SHA-256 in lower-case hex", p)
			continue
		}
		got, size, err := hashFile(filepath.Join(dir, p))
		if err != nil {
			failf("%s: %v", p, err)
			continue
		}
		if got != want {
			failf("%s: SHA-256 is %s", p, got)
			continue
		}
		esize, ok := objects[want]
		if !ok {
			failf("%s: no proven entry seals sha256:%s", p, want)
			continue
		}
		if esize != size {
			failf("%s: %d bytes, its entry says %d", p, size, esize)
			continue
		}
		matched++
	}

	if failures > 0 {
		return "", fmt.Errorf("%d check(s) failed; %s", failures, summary(proven, matched))
	}
	return summary(proven, matched), nil
}

func main() {
	cmds := map[string]func([]string) (string, error){
		"make":              makeLog,
		"check-checkpoint":  checkCheckpoint,
		"check-inclusion":   checkInclusion,
		"check-consistency": checkConsistency,
		"check-receipt":     checkReceipt,
		"check-bundle":      checkBundle,
	}
	if len(os.Args) < 2 || cmds[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "usage: tlogcheck make|check-checkpoint|check-inclusion|check-consistency|check-receipt|check-bundle ...")
		os.Exit(2)
	}
	msg, err := cmds[os.Args[1]](os.Args[2:])
	var uerr usageError
	switch {
	case errors.As(err, &uerr):
		fmt.Fprintf(os.Stderr, "tlogcheck %s: %v\n", os.Args[1], err)
		os.Exit(2)
	case err != nil:
		fmt.Printf("FAIL %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	fmt.Printf("OK %s\n", msg)
}
