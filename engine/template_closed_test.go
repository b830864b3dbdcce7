package engine

import (
	"context"
	"reflect"
	"sort"
	"testing"

	"crm/forms"
	"crm/internal/testenv"
)

// TestTemplateClosedOptions: the default template marks the ends of its processes closed, and
// the marks survive storage, the form descriptor and a package export.
func TestTemplateClosedOptions(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"opportunity.stage": {"lost", "won"},
		"lead.status":       {"converted", "disqualified"},
		"ticket.status":     {"closed", "resolved"},
		"task.status":       {"cancelled", "done"},
		"contract.status":   {"expired"},
		"quote.status":      {"accepted", "declined"},
	}
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		ctx := context.Background()
		e := engines(t, b, 1, newTestClock())[0]
		applyTemplate(t, e, "default")

		objs, err := e.ListObjects(ctx, SystemActor)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, o := range objs {
			for _, f := range o.Fields {
				for _, opt := range f.Options {
					if opt.Closed {
						key := o.Name + "." + f.Name
						got[key] = append(got[key], opt.Value)
					}
				}
			}
		}
		for k := range got {
			sort.Strings(got[k])
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("closed options stored:\n got %v\nwant %v", got, want)
		}

		form, err := e.Form(ctx, SystemActor, "opportunity", "en", "")
		if err != nil {
			t.Fatal(err)
		}
		var closed []string
		for _, f := range form.Fields {
			if f.Name == "stage" {
				for _, o := range f.Options {
					if o.Closed {
						closed = append(closed, o.Value)
					}
				}
			}
		}
		if !reflect.DeepEqual(closed, []string{"won", "lost"}) {
			t.Errorf("form descriptor's closed stages = %v, want [won lost]", closed)
		}

		p, err := e.ExportPackage(ctx, SystemActor, "default")
		if err != nil {
			t.Fatal(err)
		}
		var exported []forms.Option
		for _, o := range p.Parts["objects"] {
			if o["name"] != "opportunity" {
				continue
			}
			for _, f := range o["fields"].([]any) {
				fm := f.(map[string]any)
				if fm["name"] != "stage" {
					continue
				}
				for _, raw := range fm["options"].([]any) {
					om := raw.(map[string]any)
					c, has := om["closed"]
					if has && c != true {
						t.Errorf("exported option %v: closed is %v", om["value"], c)
					}
					exported = append(exported, forms.Option{Value: om["value"].(string), Closed: has})
				}
			}
		}
		if len(exported) != 6 || !exported[4].Closed || !exported[5].Closed || exported[3].Closed {
			t.Errorf("exported stage options = %+v: want only won and lost closed (and false omitted)", exported)
		}
	})
}
