package engine

import (
	"context"
	"fmt"
)

// assignAction is unreachable until assign actions can be saved.
func (e *Engine) assignAction(ctx context.Context, def *definition, record string) (string, error) {
	return "", permanent(fmt.Errorf("assign actions are not available in this version"))
}
