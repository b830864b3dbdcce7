package builderui

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Format (keep identical to scripts/source-hash.mjs): the inputs are index.html, package.json,
// package-lock.json, vite.config.* and tsconfig*.json at the top level and every file under src/,
// public/ and scripts/ but unit tests (*.test.ts, *.test.tsx: never in a bundle); their paths relative to
// builder-ui/ with forward slashes, sorted by their UTF-8 bytes; SHA-256 over, per file, path +
// "\0" + decimal byte length + "\0" + content; written as lower-case hex and a newline.
var topLevel = regexp.MustCompile(`^(index\.html|package\.json|package-lock\.json|vite\.config\.[cm]?[jt]s|tsconfig.*\.json)$`)

var unitTest = regexp.MustCompile(`\.test\.tsx?$`)

func sourceFiles(t *testing.T) []string {
	root := os.DirFS(".")
	entries, err := fs.ReadDir(root, ".")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if e.Type().IsRegular() && topLevel.MatchString(e.Name()) {
			files = append(files, e.Name())
		}
	}
	for _, tree := range []string{"src", "public", "scripts"} {
		err := fs.WalkDir(root, tree, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == tree && os.IsNotExist(err) {
					return fs.SkipDir
				}
				return err
			}
			if d.Type().IsRegular() && !unitTest.MatchString(p) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(files) // bytewise, as the script's Buffer.compare
	return files
}

func sourceHash(t *testing.T) string {
	h := sha256.New()
	for _, f := range sourceFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		h.Write([]byte(f + "\x00" + strconv.Itoa(len(b)) + "\x00"))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestDistIsFresh(t *testing.T) {
	stamp, err := fs.ReadFile(FS(), ".source-hash")
	if err != nil {
		t.Fatalf("builder-ui/dist has no .source-hash: run `make ui` (%v)", err)
	}
	if got, want := strings.TrimSpace(string(stamp)), sourceHash(t); got != want {
		t.Fatalf("builder-ui/dist is stale: run `make ui` (dist was built from sources %s, they are now %s)", got, want)
	}
}

// Every file index.html refers to is in the embedded dist.
var assetRef = regexp.MustCompile(`(?:src|href)="/([^"]+)"`)

func TestDistIsComplete(t *testing.T) {
	index, err := fs.ReadFile(FS(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	refs := assetRef.FindAllStringSubmatch(string(index), -1)
	if len(refs) == 0 {
		t.Fatalf("index.html refers to no files: %s", index)
	}
	for _, m := range refs {
		if _, err := fs.Stat(FS(), path.Clean(m[1])); err != nil {
			t.Errorf("index.html refers to /%s, not in dist: %v", m[1], err)
		}
	}
}
