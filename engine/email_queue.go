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
	byLocale, err := e.emailRecipients(ctx, def, act.To, record, doc, s)
	if err != nil {
		return "", err
	}
	locales := make([]string, 0, len(byLocale))
	for loc := range byLocale {
		locales = append(locales, loc)
	}
	sort.Strings(locales)
	var queued []string
	total := 0
	for _, loc := range locales {
		total += len(byLocale[loc])
	}
	if total > workflow.MaxEmailRecipients {
		return "", permanent(emailInputError(workflow.CodeTooManyRecipients, "/to", "an email has at most %d recipients; this one has %d", workflow.MaxEmailRecipients, total))
	}
	for _, loc := range locales {
		r, _, err := e.renderTemplate(ctx, &t.EmailTemplate, def, record, doc, loc, nil)
		if err != nil {
			return "", err
		}
		id := derivedID("email:" + akey + ":" + loc)
		if _, err := e.queueEmail(ctx, &Email{ID: id, Kind: "automation", Object: def.obj.Name, Record: record, Automation: a.Name,
			Template: t.Name, To: byLocale[loc], Subject: r.Subject, Text: r.Text, HTML: r.HTML, Locale: loc}); err != nil {
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

// emailRecipients resolves an email action's recipients into addresses by language. Users
// (owner, manager, users, roles, teams, user fields) must be active and able to read the record;
// fixed addresses must be allowed by the SMTP settings.
func (e *Engine) emailRecipients(ctx context.Context, def *definition, to *workflow.Recipients, record string, doc store.Doc, s *SMTPSettings) (map[string][]string, error) {
	out := map[string][]string{}
	if to == nil {
		return out, nil
	}
	dir, err := e.directory(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	add := func(loc, addr string) {
		addr = strings.TrimSpace(addr)
		if addr == "" || seen[strings.ToLower(addr)] {
			return
		}
		seen[strings.ToLower(addr)] = true
		out[loc] = append(out[loc], addr)
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
		add(fallback, v)
	}
	for _, a := range to.Addresses {
		if !workflow.AddressAllowed(a, s.AllowedRecipients) {
			return nil, permanent(errorf(KindValidation, "recipient_not_allowed", "%s is not on the SMTP settings' allowed recipients", a))
		}
		add(fallback, a)
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
		add(loc, u.Email)
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
