// Package templates holds the packages the engine ships, as data: each folder is one package in
// the format of GET /api/meta/export, split into one file per part (and per object) so that a
// change reads well in review. Load assembles a folder into the one document the engine applies.
package templates

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed all:default
var files embed.FS

// Names lists the templates shipped in the binary.
func Names() []string {
	entries, _ := files.ReadDir(".")
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

// Load returns a template as one package document: package.json gives the header, every other
// NAME.json a part (a list), and objects/*.json the objects, one per file.
func Load(name string) ([]byte, error) {
	return assemble(files, name)
}

// Demo returns the template's sample data (demo.json), or nil when it has none.
func Demo(name string) ([]byte, error) {
	b, err := files.ReadFile(path.Join(name, "demo.json"))
	if err != nil {
		return nil, nil
	}
	return b, nil
}

func assemble(fsys fs.FS, name string) ([]byte, error) {
	if !fs.ValidPath(name) || strings.Contains(name, "/") {
		return nil, fmt.Errorf("no template named %q", name)
	}
	head, err := fs.ReadFile(fsys, path.Join(name, "package.json"))
	if err != nil {
		return nil, fmt.Errorf("no template named %q (have %s)", name, strings.Join(Names(), ", "))
	}
	pkg := map[string]json.RawMessage{}
	if err := json.Unmarshal(head, &pkg); err != nil {
		return nil, fmt.Errorf("%s/package.json: %w", name, err)
	}
	entries, err := fs.ReadDir(fsys, name)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		part := strings.TrimSuffix(e.Name(), ".json")
		if e.IsDir() || part == e.Name() || part == "package" || part == "demo" {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join(name, e.Name()))
		if err != nil {
			return nil, err
		}
		pkg[part] = b
	}
	objects, err := fs.Glob(fsys, path.Join(name, "objects", "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(objects)
	var list []json.RawMessage
	for _, f := range objects {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		list = append(list, b)
	}
	if len(list) > 0 {
		b, _ := json.Marshal(list)
		pkg["objects"] = b
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(pkg); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return buf.Bytes(), nil
}
