package engine

import (
	"os"
	"sync"
	"time"
)

// An import runs in slices (see record_import_run.go), and the job of each slice would rebuild
// the file from the store, open it again and parse every row up to its checkpoint: work that
// grows with the file, once per slice, so quadratic in all. Instead, a slice that hands on parks
// its open sheet, positioned right after the checkpoint, and the next slice in this process takes
// it up. A next slice elsewhere (another process, after a restart) reads the file as before; a
// sheet nobody takes within the lease is closed.

// parkedSheet is an import's open sheet whose last row read is row.
type parkedSheet struct {
	sh    sheet
	path  string // the temporary copy of the file the sheet reads
	row   int64
	timer *time.Timer
}

func (p *parkedSheet) close() {
	p.sh.Close()
	os.Remove(p.path)
}

// parkedSheets holds the parked sheets of this process by import id.
type parkedSheets struct {
	mu     sync.Mutex
	sheets map[string]*parkedSheet
	taken  int // sheets taken up by a next slice (tests)
}

// parkedSheetTTL is how long a parked sheet waits for its next slice, which normally starts at
// once: what it holds (an open file) is cheap, so this is generous.
const parkedSheetTTL = time.Minute

// park keeps p for the import's next slice for a while (parkedSheetTTL).
func (ps *parkedSheets) park(id string, p *parkedSheet) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.sheets == nil {
		ps.sheets = map[string]*parkedSheet{}
	}
	if old := ps.sheets[id]; old != nil {
		old.timer.Stop()
		old.close()
	}
	ps.sheets[id] = p
	p.timer = time.AfterFunc(parkedSheetTTL, func() {
		ps.mu.Lock()
		defer ps.mu.Unlock()
		if ps.sheets[id] == p {
			delete(ps.sheets, id)
			p.close()
		}
	})
}

// take returns the import's parked sheet when its last row read is row (the checkpoint the
// taker resumes from), else nil; either way nothing stays parked for the import.
func (ps *parkedSheets) take(id string, row int64) *parkedSheet {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p := ps.sheets[id]
	if p == nil {
		return nil
	}
	delete(ps.sheets, id)
	p.timer.Stop()
	if p.row != row {
		p.close()
		return nil
	}
	ps.taken++
	return p
}

// takenCount is how many parked sheets were taken up (tests).
func (ps *parkedSheets) takenCount() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.taken
}
