package engine

import (
	"context"
	"errors"
	"fmt"
	"html"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"crm/engine/store"
	"crm/workflow"
)

// What puts emails in the outbox: an automation's email action, and the notifications of users
// who asked to get them by email too. Nothing is queued while SMTP is not configured: the run log
// says so, and the in-app notification stands alone.

// emailAction queues action i of an automation run: the template filled for the record, one
// email per language of its recipients (a user's own; others get the owner's). Ids derive from
// akey, so a re-run queues nothing twice.
func (e *Engine) emailAction(ctx context.Context, a *workflow.Compiled, act workflow.Action, def *definition, record string, doc store.Doc, akey string) (string, error) {
	s, err := e.storedSMTP(ctx)
	if err != nil {
		return "", err
	}
	if !s.configured() {
		return "not sent: SMTP is not configured", nil
	}
	t, err := getNamed[EmailTemplateDef](ctx, e, emailTemplatesKind, act.Template)
	if err != nil {
		if isNotFound(err) {
			return "", permanent(fmt.Errorf("email template %q does not exist", act.Template))
		}
		return "", err
	}
	if t.Object != def.obj.Name {
		return "", permanent(fmt.Errorf("email template %q is for %s, not %s", act.Template, t.Object, def.obj.Name))
	}
	recipients, err := e.emailRecipients(ctx, def, act.To, record, doc, s)
	if err != nil {
		return "", err
	}
	if len(recipients) > workflow.MaxEmailRecipients {
		return "", permanent(emailInputError(workflow.CodeTooManyRecipients, "/to", "an email has at most %d recipients; this one has %d", workflow.MaxEmailRecipients, len(recipients)))
	}
	// One email per language and per set of merge fields withheld from its readers: a user gets
	// the template filled with what their role may see of the record.
	type group struct {
		loc, withheld string
		r             workflow.RenderedEmail
		to            []string
	}
	groups := map[string]*group{}
	for _, rc := range recipients {
		r, withheld, err := e.renderTemplate(ctx, &t.EmailTemplate, def, record, doc, rc.locale, rc.user)
		if err != nil {
			return "", err
		}
		k := rc.locale + "\x00" + withheld
		if groups[k] == nil {
			groups[k] = &group{loc: rc.locale, withheld: withheld, r: r}
		}
		groups[k].to = append(groups[k].to, rc.addr)
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var queued []string
	for _, k := range keys {
		g := groups[k]
		cause := "email:" + akey + ":" + g.loc
		if g.withheld != "" {
			cause += ":" + g.withheld
		}
		id := derivedID(cause)
		if _, err := e.queueEmail(ctx, &Email{ID: id, Kind: "automation", Object: def.obj.Name, Record: record, Automation: a.Name,
			Template: t.Name, To: g.to, Subject: g.r.Subject, Text: g.r.Text, HTML: g.r.HTML, Locale: g.loc}); err != nil {
			var ee *Error
			if errors.As(err, &ee) && ee.Kind == KindValidation {
				return "", permanent(err) // a wrong address will not improve by retrying
			}
			return "", err
		}
		queued = append(queued, id)
	}
	if len(queued) == 0 {
		return "email: no recipient", nil
	}
	return "email " + strings.Join(queued, ", ") + " queued", nil
}

// emailRecipient is one address an email action sends to, in its language; user is the user it
// belongs to (nil for an address from a record field or the action's fixed addresses), whose
// field-level security the email is filled with.
type emailRecipient struct {
	addr, locale string
	user         *Actor
}

// emailRecipients resolves an email action's recipients into addresses with their languages.
// Users (owner, manager, users, roles, teams, user fields) must be active and able to read the
// record; fixed addresses must be allowed by the SMTP settings. An address from a record's email
// field or a fixed address that is also an active reader's is theirs: filled for their role.
func (e *Engine) emailRecipients(ctx context.Context, def *definition, to *workflow.Recipients, record string, doc store.Doc, s *SMTPSettings) ([]emailRecipient, error) {
	var out []emailRecipient
	if to == nil {
		return out, nil
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]int{} // lower-cased address: its index in out
	add := func(loc, addr string, user *Actor) {
		addr = strings.TrimSpace(addr)
		if addr == "" {
			return
		}
		if i, ok := seen[strings.ToLower(addr)]; ok {
			if user != nil && out[i].user == nil {
				out[i].locale, out[i].user = loc, user
			}
			return
		}
		seen[strings.ToLower(addr)] = len(out)
		out = append(out, emailRecipient{addr: addr, locale: loc, user: user})
	}
	owner, _ := doc["owner"].(string)
	fallback := "en"
	if u := dir.users[owner]; u != nil && u.Locale != "" {
		fallback = u.Locale
	}
	users := map[string]bool{}
	if to.Owner && owner != "" {
		users[owner] = true
	}
	if to.Manager {
		if m := dir.activeManager(owner); m != "" {
			users[m] = true
		}
	}
	for _, u := range to.Users {
		users[u] = true
	}
	for _, u := range dir.users {
		for _, role := range to.Roles {
			if slices.Contains(u.Roles, role) {
				users[u.ID] = true
			}
		}
		for _, t := range to.Teams {
			if slices.Contains(u.Teams, t) {
				users[u.ID] = true
			}
		}
	}
	for _, f := range to.Fields {
		fd := def.obj.Field(f)
		v, _ := doc[f].(string)
		if fd == nil || v == "" {
			continue
		}
		if fd.Type == "user" {
			users[v] = true
			continue
		}
		if workflow.CheckAddress(v) != "" {
			return nil, emailInputError(workflow.CodeInvalidEmail, "/to/fields", "%s holds %q, not a valid email address", f, v)
		}
		add(fallback, v, nil)
	}
	for _, a := range to.Addresses {
		if !workflow.AddressAllowed(a, s.AllowedRecipients) {
			return nil, permanent(errorf(KindValidation, "recipient_not_allowed", "%s is not on the SMTP settings' allowed recipients", a))
		}
		add(fallback, a, nil)
	}
	ids := make([]string, 0, len(users))
	for id := range users {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		u := dir.users[id]
		if u == nil || !u.Active {
			continue
		}
		actor := &Actor{ID: u.ID, Email: u.Email, Roles: u.Roles, Teams: u.Teams}
		g, err := e.grantOn(ctx, actor, def)
		if err != nil {
			return nil, err
		}
		if !g.perm.Read {
			continue
		}
		if _, err := e.visibleDoc(ctx, def, g, record); err != nil {
			if isNotFound(err) {
				continue // an email must not reveal a record its reader cannot see
			}
			return nil, err
		}
		loc := u.Locale
		if loc == "" {
			loc = fallback
		}
		add(loc, u.Email, actor)
	}
	return out, nil
}

// emailNotification queues a notification by email for a user who asked for it (id: the
// notification's). Without SMTP settings nothing is queued.
func (e *Engine) emailNotification(ctx context.Context, u *User, noteID, title, message, object, record string) {
	if u == nil || !u.EmailNotifications || u.Email == "" {
		return
	}
	s, err := e.storedSMTP(ctx)
	if err != nil || !s.configured() {
		return
	}
	subject := strings.Join(strings.Fields(title), " ")
	if subject == "" {
		subject = strings.Join(strings.Fields(message), " ")
	}
	subject = clipSubject(subject)
	text := strings.TrimSpace(title + "\n\n" + message)
	htmlBody := "<p><strong>" + html.EscapeString(title) + "</strong></p>"
	if message != "" {
		htmlBody += "<p>" + html.EscapeString(message) + "</p>"
	}
	if s.AppURL != "" && object != "" && record != "" {
		link := s.AppURL + "/app/" + object + "/" + record
		text += "\n\n" + link
		htmlBody += `<p><a href="` + html.EscapeString(link) + `">` + html.EscapeString(link) + "</a></p>"
	}
	_, err = e.queueEmail(ctx, &Email{ID: derivedID("email:" + noteID), Kind: "notification", Object: object, Record: record,
		User: u.ID, To: []string{u.Email}, Subject: subject, Text: text, HTML: htmlBody, Locale: u.Locale})
	if err != nil {
		e.log.Error("notification email not queued", "user", u.ID, "err", err)
	}
}

// clipSubject cuts a subject to at most workflow.MaxSubjectLength bytes, between characters.
func clipSubject(s string) string {
	if len(s) <= workflow.MaxSubjectLength {
		return s
	}
	cut := workflow.MaxSubjectLength
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
