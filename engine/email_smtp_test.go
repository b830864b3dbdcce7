package engine

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"crm/workflow"
)

// TestEmailFromDisplayName: a From display name holding a comma or a quote is quoted, so that
// the header names one mailbox, with the name as given.
func TestEmailFromDisplayName(t *testing.T) {
	for _, name := range []string{`Sales, Support`, `The "CRM" Team`, `CRM 系统, "总部"`, `CRM`} {
		m := &outMessage{ID: "e1", From: "crm@example.com", FromName: name, To: []string{"a@example.com"}, Subject: "s", Text: "t", At: time.Unix(0, 0)}
		raw, err := m.bytes()
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		list, err := mail.ParseAddressList(msg.Header.Get("From"))
		if err != nil || len(list) != 1 || list[0].Name != name || list[0].Address != "crm@example.com" {
			t.Errorf("%q: From %q parses as %v, %v", name, msg.Header.Get("From"), list, err)
		}
	}
}

// TestEmailSubjectCut: a subject cut to its maximum length stays valid UTF-8: the cut falls
// between characters.
func TestEmailSubjectCut(t *testing.T) {
	for _, pad := range []int{workflow.MaxSubjectLength - 1, workflow.MaxSubjectLength - 2, workflow.MaxSubjectLength} {
		s := strings.Repeat("a", pad) + "中文标题"
		got := clipSubject(s)
		if !utf8.ValidString(got) || len(got) > workflow.MaxSubjectLength || !strings.HasPrefix(s, got) || len(got) < workflow.MaxSubjectLength-3 {
			t.Errorf("pad %d: %q (%d bytes)", pad, got[len(got)-5:], len(got))
		}
	}
	if got := clipSubject("短标题"); got != "短标题" {
		t.Errorf("a short subject: %q", got)
	}
}
