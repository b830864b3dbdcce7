package mongodb_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"crm/engine/store"
	"crm/engine/store/mongodb"
	"crm/engine/store/mongodb/mongotest"
)

// dupKey builds the duplicate key error a server answers, with the given message.
func dupKey(msg string) error {
	return mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000, Message: msg}}}
}

// TestDuplicateFieldDetection checks how a duplicate key error becomes the seam's error, for
// MongoDB's message (which names the index) and FerretDB's (which does not, so the backend looks
// for the colliding document itself).
func TestDuplicateFieldDetection(t *testing.T) {
	s := mongotest.Open(t)
	ctx := t.Context()
	const c = "obj_dup"
	err := s.EnsureCollection(ctx, c, []store.Index{{Field: "email", Unique: true}, {Field: "code", Unique: true}, {Field: "name"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []store.Doc{
		{"id": "a", "email": "a@example.com", "code": "A", "name": "n"},
		{"id": "b", "email": "b@example.com", "tags": []any{"t1", "t2"}},
	} {
		if err := s.Insert(ctx, c, d); err != nil {
			t.Fatal(err)
		}
	}
	doc := func(kv ...any) bson.D {
		d := bson.D{}
		for i := 0; i < len(kv); i += 2 {
			d = append(d, bson.E{Key: kv[i].(string), Value: kv[i+1]})
		}
		return d
	}
	const ferret = "E11000 duplicate key error collection: t.obj_dup"
	cases := []struct {
		name    string
		doc     bson.D
		err     error
		checkID bool
		field   string // "" means ErrDuplicateID
	}{
		{"mongo names unique index", doc("_id", "x", "email", "a@example.com"),
			dupKey(`E11000 duplicate key error collection: db.obj_dup index: uniq_code dup key: { code: "A" }`), true, "code"},
		{"mongo names _id", doc("_id", "a"),
			dupKey(`E11000 duplicate key error collection: db.obj_dup index: _id_ dup key: { _id: "a" }`), true, ""},
		{"ferret id taken", doc("_id", "a", "email", "new@example.com"), dupKey(ferret), true, ""},
		{"ferret email taken", doc("_id", "x", "email", "a@example.com"), dupKey(ferret), true, "email"},
		{"ferret code taken", doc("_id", "x", "email", "new@example.com", "code", "A"), dupKey(ferret), true, "code"},
		{"ferret replace own id", doc("_id", "a", "email", "b@example.com", "code", "A"), dupKey(ferret), false, "email"},
	}
	for _, tc := range cases {
		got := s.DuplicateErr(ctx, c, tc.doc, tc.err, tc.checkID)
		if tc.field == "" {
			if !errors.Is(got, store.ErrDuplicateID) {
				t.Errorf("%s: got %v, want ErrDuplicateID", tc.name, got)
			}
			continue
		}
		var dup *store.DuplicateError
		if !errors.As(got, &dup) || dup.Field != tc.field {
			t.Errorf("%s: got %v, want DuplicateError on %s", tc.name, got, tc.field)
		}
	}
	// No colliding document left (a race): an error that is neither, without the server's text.
	got := s.DuplicateErr(ctx, c, doc("_id", "x", "email", "free@example.com"), dupKey(ferret), true)
	var dup *store.DuplicateError
	if got == nil || errors.Is(got, store.ErrDuplicateID) || errors.As(got, &dup) || strings.Contains(got.Error(), "E11000") {
		t.Errorf("vanished conflict: got %v", got)
	}

	// End to end through Insert and Replace on the server in use.
	err = s.Insert(ctx, c, store.Doc{"id": "z", "email": "b@example.com", "code": "Z"})
	if !errors.As(err, &dup) || dup.Field != "email" {
		t.Errorf("Insert with taken email: got %v, want DuplicateError on email", err)
	}
	err = s.Replace(ctx, c, store.Doc{"id": "b", "email": "b@example.com", "code": "A"}, 1)
	if !errors.As(err, &dup) || dup.Field != "code" {
		t.Errorf("Replace with taken code: got %v, want DuplicateError on code", err)
	}
}

// TestUnavailable checks that an unreachable server is reported as *store.Unavailable without
// the driver's text.
func TestUnavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	_, err = mongodb.Open(ctx, "mongodb://"+addr+"/?serverSelectionTimeoutMS=300&connectTimeoutMS=300", "x")
	var un *store.Unavailable
	if !errors.As(err, &un) {
		t.Fatalf("Open on a closed port: got %v, want *store.Unavailable", err)
	}
	if strings.Contains(err.Error(), addr) || strings.Contains(err.Error(), "connection refused") {
		t.Errorf("Unavailable shows the driver's text: %q", err.Error())
	}
}

// TestTimeout checks that an expired deadline is reported as store.ErrTimeout and a canceled
// context as context.Canceled, on reads and writes.
func TestTimeout(t *testing.T) {
	s := mongotest.Open(t)
	if err := s.Insert(t.Context(), "obj_t", store.Doc{"id": "a"}); err != nil {
		t.Fatal(err)
	}
	expired, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	if _, err := s.Find(expired, "obj_t", store.Query{}); !errors.Is(err, store.ErrTimeout) {
		t.Errorf("Find with an expired deadline: got %v, want ErrTimeout", err)
	}
	if err := s.Insert(expired, "obj_t", store.Doc{"id": "b"}); !errors.Is(err, store.ErrTimeout) {
		t.Errorf("Insert with an expired deadline: got %v, want ErrTimeout", err)
	}
	canceled, cancel2 := context.WithCancel(t.Context())
	cancel2()
	if _, err := s.Count(canceled, "obj_t", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Count with a canceled context: got %v, want context.Canceled", err)
	}
}

// TestClosed checks that Close may be called twice and that a closed store answers
// *store.Unavailable.
func TestClosed(t *testing.T) {
	s, err := mongodb.Open(t.Context(), mongotest.URI(t), mongotest.DBName(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	var un *store.Unavailable
	if err := s.Ping(t.Context()); !errors.As(err, &un) {
		t.Errorf("Ping after Close: got %v, want *store.Unavailable", err)
	}
}
