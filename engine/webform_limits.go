package engine

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"crm/engine/store"
)

// WebFormLimits bound what the public may send to web forms. The rate limits are kept by each
// process (several processes behind a proxy each allow their share).
type WebFormLimits struct {
	PerAddress int           // submissions per minute from one address to one form; default 5
	PerForm    int           // submissions per minute to one form from everyone; default 120
	MinFill    time.Duration // a page submitted sooner after it was served is a bot's; default 3 s
	Expiry     time.Duration // a page older than this is submitted again with a new token; default 2 h
}

func (l WebFormLimits) withDefaults() WebFormLimits {
	if l.PerAddress <= 0 {
		l.PerAddress = 5
	}
	if l.PerForm <= 0 {
		l.PerForm = 120
	}
	if l.MinFill == 0 {
		l.MinFill = 3 * time.Second
	}
	if l.Expiry <= 0 {
		l.Expiry = 2 * time.Hour
	}
	return l
}

// webLimiter holds a token bucket per form and address and one per form (golang.org/x/time/rate),
// fed by the engine's clock.
type webLimiter struct {
	WebFormLimits
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	*rate.Limiter
	used time.Time
}

// maxBuckets bounds the limiter's memory; idle buckets are dropped first.
const maxBuckets = 50_000

func newWebLimiter(l WebFormLimits) *webLimiter {
	return &webLimiter{WebFormLimits: l.withDefaults(), buckets: map[string]*bucket{}}
}

// allow takes one submission from both buckets, or from neither with 429 and when to retry.
func (l *webLimiter) allow(form, ip string, now time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	addr := l.bucket("a\x00"+form+"\x00"+ip, l.PerAddress, now)
	all := l.bucket("f\x00"+form, l.PerForm, now)
	ra := addr.ReserveN(now, 1)
	if d := ra.DelayFrom(now); d > 0 {
		ra.CancelAt(now)
		return tooManySubmissions(d)
	}
	rf := all.ReserveN(now, 1)
	if d := rf.DelayFrom(now); d > 0 {
		rf.CancelAt(now)
		ra.CancelAt(now)
		return tooManySubmissions(d)
	}
	return nil
}

func (l *webLimiter) bucket(key string, perMinute int, now time.Time) *bucket {
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			for k, old := range l.buckets {
				if now.Sub(old.used) > 10*time.Minute {
					delete(l.buckets, k)
				}
			}
		}
		b = &bucket{Limiter: rate.NewLimiter(rate.Every(time.Minute/time.Duration(perMinute)), perMinute)}
		if len(l.buckets) < maxBuckets {
			l.buckets[key] = b
		}
	}
	b.used = now
	return b
}

func tooManySubmissions(wait time.Duration) error {
	return &Error{Kind: KindTooMany, Code: "too_many_submissions", Message: "too many submissions; try again later", RetryAfter: wait}
}

// Counts of submissions per form and outcome (accepted, invalid, honeypot, duplicate,
// rate_limited, web_form_too_fast, ...). Each process adds its counts to a document of its own
// (form|node) at most every webStatsEvery and before a read, so a crash loses at most that much
// counting and never a submission.
const (
	collWebFormStats = "web_form_stats"
	webStatsEvery    = 2 * time.Second
)

type webStats struct {
	e       *Engine
	mu      sync.Mutex
	pending map[string]map[string]int64
	flushed time.Time
	flushMu sync.Mutex // one flush at a time: they write this node's documents
}

func (s *webStats) count(form, outcome string) {
	s.mu.Lock()
	if s.pending == nil {
		s.pending = map[string]map[string]int64{}
	}
	if s.pending[form] == nil {
		s.pending[form] = map[string]int64{}
	}
	s.pending[form][outcome]++
	due := s.e.now().Sub(s.flushed) >= webStatsEvery
	s.mu.Unlock()
	if due {
		if err := s.flush(context.Background()); err != nil {
			s.e.log.Error("web form counts not stored; kept for the next try", "error", err)
		}
	}
}

// flush adds the pending counts to this node's documents; what fails to store stays pending.
func (s *webStats) flush(ctx context.Context) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	pending := s.pending
	s.pending, s.flushed = nil, s.e.now()
	s.mu.Unlock()
	var failed error
	for form, counts := range pending {
		if err := s.add(ctx, form, counts); err != nil {
			failed = err
			s.mu.Lock()
			if s.pending == nil {
				s.pending = map[string]map[string]int64{}
			}
			if s.pending[form] == nil {
				s.pending[form] = map[string]int64{}
			}
			for k, n := range counts {
				s.pending[form][k] += n
			}
			s.mu.Unlock()
		}
	}
	return failed
}

func (s *webStats) add(ctx context.Context, form string, counts map[string]int64) error {
	id := form + "|" + s.e.node
	d, err := s.e.store.Get(ctx, collWebFormStats, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if d == nil {
		d = store.Doc{"id": id, "form": form, "counts": map[string]any{}}
	}
	c, _ := d["counts"].(map[string]any)
	if c == nil {
		c = map[string]any{}
	}
	for k, n := range counts {
		have, _ := c[k].(int64)
		c[k] = have + n
	}
	d["counts"] = c
	if v, ok := d["version"].(int64); ok {
		return s.e.store.Replace(ctx, collWebFormStats, d, v)
	}
	return s.e.store.Insert(ctx, collWebFormStats, d)
}

// WebFormStats are a web form's submissions by outcome, from every process.
func (e *Engine) WebFormStats(ctx context.Context, by *Actor, name string) (map[string]int64, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	if _, err := getNamed[WebFormDef](ctx, e, webFormsKind, name); err != nil {
		return nil, err
	}
	if err := e.webStats.flush(ctx); err != nil {
		return nil, storeErr(err)
	}
	docs, err := e.store.Find(ctx, collWebFormStats, store.Query{Filter: store.Compare{Field: "form", Op: store.Eq, Value: name, Scalar: true}})
	if err != nil {
		return nil, storeErr(err)
	}
	out := map[string]int64{"accepted": 0}
	for _, d := range docs {
		c, _ := d["counts"].(map[string]any)
		for k, v := range c {
			n, _ := v.(int64)
			out[k] += n
		}
	}
	return out, nil
}

// FlushCounts stores what this process counted and has not stored yet (at shutdown).
func (e *Engine) FlushCounts(ctx context.Context) error { return e.webStats.flush(ctx) }
