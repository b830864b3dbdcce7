package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"crm/forms"
	"crm/internal/testenv"
	"crm/templates"
)

// applyTemplate applies a shipped template as the system would on first start.
func applyTemplate(t *testing.T, e *Engine, name string) *ImportResult {
	t.Helper()
	b, err := templates.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := DecodePackage(b)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.ImportPackage(context.Background(), SystemActor, p, ImportOptions{})
	if err != nil {
		var ee *Error
		if errors.As(err, &ee) {
			for _, pr := range ee.Problems {
				t.Logf("%s %s: %s", pr.Pointer, pr.Code, pr.Message)
			}
		}
		t.Fatal(err)
	}
	return res
}

func TestDefaultTemplateApplies(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		e := engines(t, b, 1, newTestClock())[0]
		res := applyTemplate(t, e, "default")
		t.Logf("%+v", res)
	})
}

// TestTemplateTwiceChangesNothing: a second apply saves nothing (no version moves, no audit).
func TestTemplateTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		e := engines(t, b, 1, newTestClock())[0]
		first := applyTemplate(t, e, "default")
		t.Logf("first: %d created, %d updated", len(first.Created), len(first.Updated))
		if len(first.Created) < 25 {
			t.Fatalf("created only %v", first.Created)
		}
		lead, _ := e.GetObject(context.Background(), SystemActor, "lead")
		audits := countDocs(t, e, collAudit, nil)
		again := applyTemplate(t, e, "default")
		if len(again.Created)+len(again.Updated) != 0 || again.Unchanged != first.Unchanged+len(first.Created)+len(first.Updated) {
			t.Fatalf("second apply: %+v", again)
		}
		lead2, _ := e.GetObject(context.Background(), SystemActor, "lead")
		if lead2.Version != lead.Version || countDocs(t, e, collAudit, nil) != audits {
			t.Fatalf("second apply changed something: lead v%d -> v%d, audit %d -> %d", lead.Version, lead2.Version, audits, countDocs(t, e, collAudit, nil))
		}
	})
}

func mustImport(t *testing.T, e *Engine, pkg string) *ImportResult {
	t.Helper()
	p, err := DecodePackage([]byte(pkg))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.ImportPackage(context.Background(), SystemActor, p, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

const pkgV1 = `{"format":"crm-package/1","name":"shop","version":"1",
 "objects":[{"name":"item","label":{"en":"Item"},"fields":[
   {"name":"title","type":"text","label":{"en":"Title"}},
   {"name":"size","type":"picklist","options":[{"value":"s"},{"value":"m"}]}]}],
 "automations":[{"name":"shout","object":"item","trigger":{"type":"created"},"actions":[{"type":"update","values":{"title":"upper(title)"}}]},
                {"name":"quiet","object":"item","trigger":{"type":"updated"},"actions":[{"type":"update","values":{"title":"lower(title)"}}]}]}`

// v2 relabels title (the customer did too), adds an option and a field, and changes "quiet"
// (which the customer deleted).
const pkgV2 = `{"format":"crm-package/1","name":"shop","version":"2",
 "objects":[{"name":"item","label":{"en":"Item"},"fields":[
   {"name":"title","type":"text","label":{"en":"Name"}},
   {"name":"size","type":"picklist","label":{"en":"Size"},"options":[{"value":"s"},{"value":"m"},{"value":"l"}]},
   {"name":"price","type":"currency","currency":"EUR"}]}],
 "automations":[{"name":"shout","object":"item","trigger":{"type":"created"},"actions":[{"type":"update","values":{"title":"upper(title)"}}]},
                {"name":"quiet","object":"item","trigger":{"type":"updated"},"actions":[{"type":"update","values":{"title":"trim(title)"}}]}]}`

// TestNewerPackageKeepsCustomerChanges: a newer version of a package merges with what the
// customer changed since the last one, three ways.
func TestNewerPackageKeepsCustomerChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := engines(t, testenv.Backends()[0], 1, newTestClock())[0]
	mustImport(t, e, pkgV1)

	// The customer relabels title, adds an option and a field of their own, deletes "quiet".
	item, _ := e.GetObject(ctx, SystemActor, "item")
	obj := *item.Object
	obj.Fields = append([]*forms.Field{}, obj.Fields...)
	title := *obj.Fields[0]
	title.Label = forms.Label{"en": "Item title"}
	obj.Fields[0] = &title
	size := *obj.Fields[1]
	size.Options = append(append([]forms.Option{}, size.Options...), forms.Option{Value: "xl"})
	obj.Fields[1] = &size
	obj.Fields = append(obj.Fields, &forms.Field{Name: "barcode", Type: "text"})
	if _, err := e.UpdateObject(ctx, SystemActor, "item", &obj, 0); err != nil {
		t.Fatal(err)
	}
	if err := e.DeleteAutomation(ctx, SystemActor, "quiet"); err != nil {
		t.Fatal(err)
	}

	res := mustImport(t, e, pkgV2)
	if len(res.Updated) != 1 || res.Updated[0] != "objects/item" || len(res.KeptDeleted) != 1 || res.KeptDeleted[0] != "automations/quiet" {
		t.Fatalf("result %+v", res)
	}
	if len(res.KeptChanges) != 1 || res.KeptChanges[0] != "/objects/item/fields/title/label/en" {
		t.Fatalf("kept changes %v", res.KeptChanges)
	}
	got, _ := e.GetObject(ctx, SystemActor, "item")
	var names []string
	for _, f := range got.Fields {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "title,size,price,barcode" {
		t.Fatalf("fields %v", names)
	}
	if got.Field("title").Label["en"] != "Item title" || got.Field("size").Label["en"] != "Size" {
		t.Fatalf("labels: title %v size %v", got.Field("title").Label, got.Field("size").Label)
	}
	var opts []string
	for _, o := range got.Field("size").Options {
		opts = append(opts, o.Value)
	}
	if strings.Join(opts, ",") != "s,m,l,xl" {
		t.Fatalf("options %v", opts)
	}
	if _, err := e.GetAutomation(ctx, SystemActor, "quiet"); !isNotFound(err) {
		t.Fatalf("the deleted automation came back: %v", err)
	}
	if again := mustImport(t, e, pkgV2); len(again.Updated)+len(again.Created) != 0 {
		t.Fatalf("v2 twice: %+v", again)
	}
}

// TestBadPackageChangesNothing: one bad expression deep in a package refuses all of it with a
// pointer to the place, and a change stored records would not survive is refused too.
func TestBadPackageChangesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		e := engines(t, b, 1, newTestClock())[0]
		bad := strings.Replace(pkgV1, `"upper(title)"`, `"upper(titel)"`, 1)
		p, err := DecodePackage([]byte(bad))
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.ImportPackage(ctx, SystemActor, p, ImportOptions{})
		var ee *Error
		if !errors.As(err, &ee) || ee.Code != "invalid_package" || len(ee.Problems) != 1 || ee.Problems[0].Pointer != "/automations/0/actions/0/values/title" {
			t.Fatalf("got %v %+v", err, ee)
		}
		if objs, _ := e.ListObjects(ctx, SystemActor); len(objs) != 0 {
			t.Fatalf("a refused package created %d objects", len(objs))
		}
		if _, err := DecodePackage([]byte(`{"format":"crm-package/1","name":"x","objetcs":[]}`)); !errors.As(err, &ee) || ee.Problems[0].Pointer != "/objetcs" {
			t.Fatalf("unknown member: %v", err)
		}

		mustImport(t, e, pkgV1)
		if _, err := e.CreateRecord(ctx, SystemActor, "item", map[string]any{"size": "m"}, "en"); err != nil {
			t.Fatal(err)
		}
		shrink := strings.Replace(strings.Replace(pkgV1, `{"value":"s"},{"value":"m"}`, `{"value":"s"}`, 1), `"upper(title)"`, `"lower(title)"`, 1)
		p, _ = DecodePackage([]byte(shrink))
		if _, err = e.ImportPackage(ctx, SystemActor, p, ImportOptions{}); !errors.As(err, &ee) || ee.Code != "breaking_change" {
			t.Fatalf("breaking change: %v", err)
		}
		if a, _ := e.GetAutomation(ctx, SystemActor, "shout"); a.Actions[0].Values["title"] != "upper(title)" {
			t.Fatal("a refused package changed an automation")
		}
	})
}
