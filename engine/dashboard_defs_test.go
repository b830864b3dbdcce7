package engine

import (
	"context"
	"slices"
	"strings"
	"testing"

	"crm/internal/testenv"
)

const dashPkg = `{"format":"crm-package/1","name":"shop","version":"VERSION",
 "objects":[{"name":"item","fields":[{"name":"size","type":"picklist","options":[{"value":"s"},{"value":"m"},{"value":"l"}]}]}],
 "dashboards":[{"name":"items","widgets":[{"name":"sizes","type":"funnel","object":"item","group_by":["size"],"order":ORDER}]}]}`

// TestDashboardsInPackages: dashboards travel in packages; a newer package changes one (the
// rehearsal knows it exists), and a widget naming an option the object lacks is refused with its
// pointer before anything changes.
func TestDashboardsInPackages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := engines(t, testenv.Backends()[0], 1, newTestClock())[0]
	pkg := func(version, order string) string {
		return strings.NewReplacer("VERSION", version, "ORDER", order).Replace(dashPkg)
	}
	res := mustImport(t, e, pkg("1", `["s","m"]`))
	if !slices.Contains(res.Created, "dashboards/items") {
		t.Fatalf("first import: %+v", res)
	}
	res = mustImport(t, e, pkg("2", `["s","m","l"]`))
	if len(res.Updated) != 1 || res.Updated[0] != "dashboards/items" {
		t.Fatalf("second import: %+v", res)
	}
	d, err := e.GetDashboard(ctx, SystemActor, "items")
	if err != nil || !slices.Equal(d.Widgets[0].Order, []string{"s", "m", "l"}) || d.Version != 2 {
		t.Fatalf("after upgrade: %+v %v", d, err)
	}
	p, err := DecodePackage([]byte(pkg("3", `["s","xl"]`)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.ImportPackage(ctx, SystemActor, p, ImportOptions{})
	ee, ok := AsError(err)
	if !ok || ee.Code != "invalid_package" || len(ee.Problems) != 1 || ee.Problems[0].Pointer != "/dashboards/0/widgets/0/order/1" {
		t.Fatalf("bad order: %v %+v", err, ee)
	}
	if d, _ := e.GetDashboard(ctx, SystemActor, "items"); d.Version != 2 {
		t.Fatalf("a refused package changed the dashboard: v%d", d.Version)
	}
}
