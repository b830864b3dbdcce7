package sqlite

import (
	"context"
	"errors"
	"os"

	"crm/engine/store"
)

// scratch is a store in a temporary directory that Close removes.
type scratch struct{ *Store }

func (s scratch) Close() error {
	err := s.Store.Close()
	return errors.Join(err, os.RemoveAll(s.dir))
}

// Scratch opens a throwaway database in a new temporary directory, removed when the store is
// closed: what the engine rehearses a package import on (engine.Config.Scratch).
func Scratch(context.Context) (store.Store, error) {
	dir, err := os.MkdirTemp("", "crm-scratch-")
	if err != nil {
		return nil, err
	}
	st, err := Open(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return scratch{st}, nil
}
