package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"crm/internal/testenv"
)

// TestParallelRequestsKeepTheirOwnObject hammers many objects at once: Fiber reuses request
// buffers, so a path parameter kept beyond its handler (a cache key, a goroutine) would make one
// request answer with another object's definition. Every answer must name the object asked for.
func TestParallelRequestsKeepTheirOwnObject(t *testing.T) {
	t.Parallel()
	h := newHarness(t, testenv.Backends()[0])
	const objects, rounds, clients = 60, 20, 8
	names := make([]string, objects)
	for i := range names {
		// Names of different lengths make a buffer reused mid-read show as another name.
		names[i] = fmt.Sprintf("obj%d%s", i, strings.Repeat("x", i%7))
		h.mustDo(201, "POST", "/api/meta/objects", fmt.Sprintf(
			`{"name":%q,"fields":[{"name":"f_%s","type":"text"}]}`, names[i], names[i]))
	}
	work := make(chan string)
	var mu sync.Mutex
	var wrong []string
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range work {
				for _, path := range []string{"/api/forms/", "/api/meta/objects/"} {
					req, _ := http.NewRequest("GET", h.base+path+name, nil)
					req.Header.Set("Authorization", "Bearer "+h.userToken)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						mu.Lock()
						wrong = append(wrong, name+": "+err.Error())
						mu.Unlock()
						continue
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					var got struct {
						Object string `json:"object"`
						Name   string `json:"name"`
						Fields []struct {
							Name string `json:"name"`
						} `json:"fields"`
					}
					_ = json.Unmarshal(b, &got)
					ok := resp.StatusCode == 200 && (got.Object == name || got.Name == name)
					for _, f := range got.Fields {
						if strings.HasPrefix(f.Name, "f_") && f.Name != "f_"+name {
							ok = false
						}
					}
					if !ok {
						mu.Lock()
						wrong = append(wrong, fmt.Sprintf("%s%s: %d %.120s", path, name, resp.StatusCode, b))
						mu.Unlock()
					}
				}
			}
		}()
	}
	for range rounds {
		for _, n := range names {
			work <- n
		}
	}
	close(work)
	wg.Wait()
	if len(wrong) > 0 {
		t.Fatalf("%d answers of %d were not for the object asked for, e.g.\n%s", len(wrong), 2*rounds*objects, strings.Join(wrong[:min(5, len(wrong))], "\n"))
	}
}
