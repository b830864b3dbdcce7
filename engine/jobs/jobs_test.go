package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"crm/engine/jobs"
)

// remind is a kind as the engine writes them: required keys, optional ones left out when zero.
type remind struct {
	Record string         `json:"record"`
	Step   int64          `json:"step"`
	Ratio  float64        `json:"ratio,omitempty"`
	Quiet  bool           `json:"quiet,omitempty"`
	Old    map[string]any `json:"old,omitempty"`
	Tags   []any          `json:"tags,omitempty"`
	note   string
}

func (remind) Kind() string { return "remind" }

type other struct {
	Delivery string `json:"delivery"`
}

func (other) Kind() string                { return "other" }
func (other) InsertOpts() jobs.InsertOpts { return jobs.InsertOpts{MaxAttempts: 3} }

func TestPayload(t *testing.T) {
	t.Parallel()

	t.Run("round trip keeps every kind of value", func(t *testing.T) {
		in := remind{Record: "r1", Step: 2, Ratio: 3, Quiet: true, Old: map[string]any{"n": int64(1), "x": 2.0}, Tags: []any{"a"}}
		p, err := jobs.Encode(in)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"record": "r1", "step": int64(2), "ratio": 3.0, "quiet": true,
			"old": map[string]any{"n": int64(1), "x": 2.0}, "tags": []any{"a"}}
		if !reflect.DeepEqual(p, want) {
			t.Fatalf("stored %#v, want %#v", p, want)
		}
		out, err := jobs.Decode[remind](p)
		if err != nil || !reflect.DeepEqual(out, in) {
			t.Fatalf("decoded %#v, %v", out, err)
		}
	})

	t.Run("zero optional fields are left out, required ones kept", func(t *testing.T) {
		p, _ := jobs.Encode(remind{})
		if want := map[string]any{"record": "", "step": int64(0)}; !reflect.DeepEqual(p, want) {
			t.Fatalf("stored %#v, want %#v", p, want)
		}
	})

	t.Run("absent keys decode zero, unknown keys are ignored", func(t *testing.T) {
		out, err := jobs.Decode[remind](map[string]any{"record": "r", "later": "x"})
		if err != nil || !reflect.DeepEqual(out, remind{Record: "r"}) {
			t.Fatalf("decoded %#v, %v", out, err)
		}
		if out, err := jobs.Decode[remind](nil); err != nil || !reflect.DeepEqual(out, remind{}) {
			t.Fatalf("nil payload: %#v, %v", out, err)
		}
	})

	t.Run("a value of another kind is a payload error", func(t *testing.T) {
		for msg, payload := range map[string]map[string]any{
			`"step" is float64, want int64`:                         {"step": 2.0},
			`"record" is int64, want string`:                        {"record": int64(1)},
			`"old" is []interface {}, want map[string]interface {}`: {"old": []any{}},
		} {
			_, err := jobs.Decode[remind](payload)
			var pe *jobs.PayloadError
			if !errors.As(err, &pe) || pe.Kind != "remind" || !strings.Contains(err.Error(), msg) {
				t.Errorf("%v: got %v", payload, err)
			}
		}
	})

	t.Run("arguments that cannot be stored are refused", func(t *testing.T) {
		if _, err := jobs.Encode(&other{}); err == nil {
			t.Error("a pointer was encoded")
		}
		if _, err := jobs.Encode(untagged{}); err == nil || !strings.Contains(err.Error(), "no json tag") {
			t.Errorf("untagged: %v", err)
		}
		if _, err := jobs.Encode(badType{}); err == nil || !strings.Contains(err.Error(), "field N is a int") {
			t.Errorf("int field: %v", err)
		}
	})

	t.Run("insert options come from the kind", func(t *testing.T) {
		if got := jobs.OptsOf(other{}).MaxAttempts; got != 3 {
			t.Errorf("other: %d", got)
		}
		if got := jobs.OptsOf(remind{}).MaxAttempts; got != 0 {
			t.Errorf("remind: %d", got)
		}
	})
}

type untagged struct{ Record string }

func (untagged) Kind() string { return "untagged" }

type badType struct {
	N int `json:"n"`
}

func (badType) Kind() string { return "bad" }

func TestWorkers(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*jobs.Workers, *[]string) {
		t.Helper()
		var ws jobs.Workers
		var ran []string
		jobs.Register(&ws, func(_ context.Context, j *jobs.Job[remind]) error {
			ran = append(ran, fmt.Sprintf("%s %s %d, attempt %d of %d", j.ID, j.Args.Record, j.Args.Step, j.Attempts+1, j.MaxAttempts))
			return nil
		})
		jobs.Register(&ws, func(_ context.Context, j *jobs.Job[other]) error { return errors.New("down: " + j.Args.Delivery) })
		return &ws, &ran
	}

	t.Run("a payload runs its kind's worker, decoded", func(t *testing.T) {
		ws, ran := setup(t)
		if err := ws.Work(context.Background(), jobs.Row{ID: "j1", Kind: "remind", Attempts: 1, MaxAttempts: 3, Payload: map[string]any{"record": "r1", "step": int64(4)}}); err != nil {
			t.Fatal(err)
		}
		if err := ws.Work(context.Background(), jobs.Row{ID: "j2", Kind: "other", Payload: map[string]any{"delivery": "d"}}); err == nil || err.Error() != "down: d" {
			t.Errorf("the worker's error: %v", err)
		}
		if want := []string{"j1 r1 4, attempt 2 of 3"}; !reflect.DeepEqual(*ran, want) {
			t.Errorf("ran %v, want %v", *ran, want)
		}
		if want := []string{"other", "remind"}; !reflect.DeepEqual(ws.Kinds(), want) {
			t.Errorf("kinds %v", ws.Kinds())
		}
	})

	t.Run("a bad payload never reaches the worker", func(t *testing.T) {
		ws, ran := setup(t)
		err := ws.Work(context.Background(), jobs.Row{ID: "j1", Kind: "remind", Payload: map[string]any{"step": "4"}})
		var pe *jobs.PayloadError
		if !errors.As(err, &pe) || pe.Key != "step" || len(*ran) != 0 {
			t.Errorf("err %v, ran %v", err, *ran)
		}
	})

	t.Run("an unknown kind is an error", func(t *testing.T) {
		ws, _ := setup(t)
		if err := ws.Work(context.Background(), jobs.Row{ID: "j", Kind: "nope"}); err == nil || !strings.Contains(err.Error(), `"nope"`) {
			t.Errorf("unknown kind: %v", err)
		}
	})

	t.Run("a kind registered twice panics", func(t *testing.T) {
		ws, _ := setup(t)
		defer func() {
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "twice") {
				t.Errorf("recovered %v", r)
			}
		}()
		jobs.Register(ws, func(context.Context, *jobs.Job[remind]) error { return nil })
	})

	t.Run("arguments that cannot be stored panic at registration", func(t *testing.T) {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "no json tag") {
				t.Errorf("recovered %v", r)
			}
		}()
		var ws jobs.Workers
		jobs.Register(&ws, func(context.Context, *jobs.Job[untagged]) error { return nil })
	})
}
