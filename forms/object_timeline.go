package forms

import "fmt"

// MaxTimelineSources is how many child objects an object's timeline may merge.
const MaxTimelineSources = 20

// TimelineSource names records of another object that belong on an object's activity timeline:
// those whose lookup field Lookup points at the record (a follow-up's account, a task's lead).
// The engine skips a source whose object or lookup does not exist or does not target the object
// (a timeline may be saved before the child object that feeds it).
type TimelineSource struct {
	Object string `json:"object"`
	Lookup string `json:"lookup"`
}

// checkTimeline checks the timeline sources' shape: names, no source twice, not too many.
func checkTimeline(o *Object, r *report) {
	if len(o.Timeline) > MaxTimelineSources {
		r.add("/timeline", codeInvalidOption, "a timeline merges at most %d sources", MaxTimelineSources)
	}
	seen := map[TimelineSource]bool{}
	for i, s := range o.Timeline {
		at := fmt.Sprintf("/timeline/%d", i)
		if !NamePattern.MatchString(s.Object) {
			r.add(at+"/object", codeInvalidName, "a timeline source names an object, like %q", "follow_up")
		}
		if !NamePattern.MatchString(s.Lookup) {
			r.add(at+"/lookup", codeInvalidName, "a timeline source names the child's lookup field to this object, like %q", "account")
		}
		if seen[s] {
			r.add(at, codeDuplicateName, "%s.%s is on the timeline twice", s.Object, s.Lookup)
		}
		seen[s] = true
	}
}
