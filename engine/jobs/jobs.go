// Package jobs types the arguments of durable jobs. A kind of job is a struct implementing Args;
// its worker is a function over *Job of that struct, registered in Workers under the kind the
// struct names, so that the kind of every stored and every handled job comes from a type the
// compiler checks, and a payload is decoded once, before its worker runs.
//
// The engine owns the stored job (its due time, claims, leases, retries, in engine/job_queue.go); this
// package owns only the mapping between a kind's arguments and the payload stored with the job
// (see Encode and Decode). Stored payloads outlive the code that wrote them: once jobs of a kind
// may be stored, never change its Kind or the keys of its fields, only add optional ones.
package jobs

import (
	"context"
	"fmt"
	"reflect"
	"slices"
)

// Args are the arguments of one kind of job: a struct whose exported fields carry `json` tags
// naming their keys in the stored payload (see Encode). Kind names the kind in stored jobs; it
// must not depend on the field values, since it is read from the zero value.
type Args interface {
	Kind() string
}

// InsertOpts are what a kind asks of every job of it when stored.
type InsertOpts struct {
	MaxAttempts int64 // runs before the job is given up as dead; 0: the engine's default
}

// ArgsWithInsertOpts is implemented by kinds whose jobs need other than the default InsertOpts.
type ArgsWithInsertOpts interface {
	Args
	InsertOpts() InsertOpts
}

// OptsOf answers the InsertOpts of args' kind.
func OptsOf(args Args) InsertOpts {
	if a, ok := args.(ArgsWithInsertOpts); ok {
		return a.InsertOpts()
	}
	return InsertOpts{}
}

// Job is a job as its worker sees it.
type Job[A Args] struct {
	ID          string // the stored job's id: effects that must happen once derive their keys from it
	Attempts    int64  // failed attempts before this one
	MaxAttempts int64  // attempts before the job is given up as dead
	Args        A
}

// Row is a stored job as the engine hands it to Workers.Work: its kind and payload, undecoded.
type Row struct {
	ID          string
	Kind        string
	Attempts    int64
	MaxAttempts int64
	Payload     map[string]any
}

// Worker runs one job of kind A. Its error is the engine's to handle (a retry with backoff, or
// the job recorded as dead).
type Worker[A Args] func(ctx context.Context, j *Job[A]) error

// Workers holds one worker per kind. The zero value is empty and ready to use.
type Workers struct {
	byKind map[string]func(ctx context.Context, r Row) error
}

// Register adds w as the worker of A's kind. It panics (a programming error, met at start) when
// A is not a struct, its kind is empty or has a worker already, or a field cannot be stored.
func Register[A Args](ws *Workers, w Worker[A]) {
	var zero A
	kind := zero.Kind()
	if _, err := planFor(reflect.TypeFor[A]()); err != nil {
		panic(fmt.Sprintf("jobs: kind %q: %v", kind, err))
	}
	if kind == "" {
		panic(fmt.Sprintf("jobs: %T has an empty kind", zero))
	}
	if _, dup := ws.byKind[kind]; dup {
		panic(fmt.Sprintf("jobs: kind %q registered twice", kind))
	}
	if ws.byKind == nil {
		ws.byKind = map[string]func(context.Context, Row) error{}
	}
	ws.byKind[kind] = func(ctx context.Context, r Row) error {
		args, err := Decode[A](r.Payload)
		if err != nil {
			return err
		}
		return w(ctx, &Job[A]{ID: r.ID, Attempts: r.Attempts, MaxAttempts: r.MaxAttempts, Args: args})
	}
}

// Kinds lists the registered kinds, sorted.
func (ws *Workers) Kinds() []string {
	out := make([]string, 0, len(ws.byKind))
	for k := range ws.byKind {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Work decodes the payload of a stored job into its kind's arguments and runs the kind's worker.
// A payload that does not decode answers a *PayloadError without running the worker: no retry
// can fix it.
func (ws *Workers) Work(ctx context.Context, r Row) error {
	run := ws.byKind[r.Kind]
	if run == nil {
		return fmt.Errorf("jobs: no worker for kind %q", r.Kind)
	}
	return run(ctx, r)
}
