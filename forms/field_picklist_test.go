package forms

import (
	"encoding/json"
	"reflect"
	"testing"
)

// An option's closed mark is on the wire only when set, and comes back as it went.
func TestOptionClosedWire(t *testing.T) {
	t.Parallel()
	in := `[{"value":"open"},{"value":"won","label":{"en":"Won"},"color":"green","closed":true}]`
	var opts []Option
	if err := json.Unmarshal([]byte(in), &opts); err != nil {
		t.Fatal(err)
	}
	if want := []Option{{Value: "open"}, {Value: "won", Label: Label{"en": "Won"}, Color: "green", Closed: true}}; !reflect.DeepEqual(opts, want) {
		t.Fatalf("decoded %+v, want %+v", opts, want)
	}
	out, err := json.Marshal(opts)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Errorf("encoded %s, want %s", out, in)
	}
}
