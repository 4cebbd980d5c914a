// Package frontend embeds the built web app (npm run build writes dist/)
// that the server serves at /.
package frontend

import (
	"embed"
	"io/fs"
)

// all: keeps dist/.gitkeep, so the package compiles before the app is built.
//
//go:embed all:dist
var dist embed.FS

// Dist is the built app, rooted at its index.html. Before `make build` it
// holds no index.html, and the server says the web app is not built.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err)
	}
	return sub
}
