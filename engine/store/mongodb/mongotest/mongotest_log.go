package mongotest

import (
	"context"
	"log/slog"
	"strings"
)

// quietHandler passes FerretDB's log records of level Warn and above, except its dumps of error
// responses ("Response header: ...", "Response message: ..."), which FerretDB logs at Warn for
// every command that fails. Tests cause those on purpose (duplicate keys, existing collections)
// and the driver sends commands FerretDB lacks (endSessions); the client sees these errors anyway.
// Error records (panics, closed connections) always pass.
type quietHandler struct{ slog.Handler }

func (h quietHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelError && (strings.HasPrefix(r.Message, "Response header:") ||
		strings.HasPrefix(r.Message, "Response message:")) {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h quietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(as)}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler.WithGroup(name)}
}
