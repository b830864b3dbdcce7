// Package builderui holds the built web app (builder-ui/dist, committed) so that `go build`
// needs no Node: `crm serve` serves it from the binary.
package builderui

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// FS is the content of dist: index.html at its root, hashed files under assets/.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a valid path; fs.Sub fails only on invalid ones
	}
	return sub
}
