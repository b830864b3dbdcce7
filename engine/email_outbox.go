package engine

import (
	"context"
	"errors"
	"fmt"

	"crm/engine/jobs"
	"crm/engine/store"
	"crm/workflow"
)

// The email outbox. Every email (an automation's email action, a notification a user asked to
// get by email) is first stored here, rendered, with a durable job of the same id that sends it;
// both ids derive from what caused it (the automation run and action, the notification), so a
// cause re-run after a crash queues nothing twice. The job's retries are the outbox's: a failed
// attempt (no connection, refused authentication, a refused recipient) is tried again with the
// scheduler's backoff, 5 s doubling, until emailMaxAttempts, then the email is dead with its
// reason; an admin may retry it.
//
// Guarantee: a crash loses no email, and no email is sent twice automatically. Right before the
// final "." of DATA hands the message to the server, the email is stored as "sending". An
// attempt that finds an email "sending" (its process died at that moment) cannot know whether
// the server took it, so the email becomes "uncertain" and is not sent again unless a person
// retries it; the same when the server's answer to the final "." never comes. Everything before
// that point is retried freely: the server has accepted nothing yet.
const (
	collEmails       = "email_outbox"
	emailMaxAttempts = 8

	emailPending   = "pending"   // waiting for its first attempt (or a retry asked for)
	emailSending   = "sending"   // handed to the server, its answer not yet stored
	emailFailed    = "failed"    // the last attempt failed; another one is planned
	emailSent      = "sent"      // the server accepted it
	emailDead      = "dead"      // no more attempts
	emailUncertain = "uncertain" // may or may not have been accepted: never re-sent by itself
)

var emailIndexes = []store.Index{{Field: "record"}, {Field: "status"}, {Field: "created_at"}}

// Email is one outbox entry as the API shows it.
type Email struct {
	ID            string   `json:"id"`
	Kind          string   `json:"kind"` // automation, notification
	Object        string   `json:"object,omitempty"`
	Record        string   `json:"record,omitempty"`
	Automation    string   `json:"automation,omitempty"`
	Template      string   `json:"template,omitempty"`
	User          string   `json:"user,omitempty"` // a notification's user
	To            []string `json:"to"`
	Subject       string   `json:"subject"`
	Text          string   `json:"text,omitempty"`
	HTML          string   `json:"html,omitempty"`
	Locale        string   `json:"locale,omitempty"`
	Status        string   `json:"status"`
	Attempts      int64    `json:"attempts"`
	MaxAttempts   int64    `json:"max_attempts"`
	LastError     string   `json:"last_error,omitempty"`
	NextAttemptAt string   `json:"next_attempt_at,omitempty"`
	SentAt        string   `json:"sent_at,omitempty"`
	CreatedAt     string   `json:"created_at"`
	UpdatedAt     string   `json:"updated_at,omitempty"`
	Version       int64    `json:"-"`
}

// emailArgs: an attempt of an outbox email; the job's attempts are the email's.
type emailArgs struct {
	Email string `json:"email"`
}

func (emailArgs) Kind() string { return "email" }

// InsertOpts gives an email its own number of attempts.
func (emailArgs) InsertOpts() jobs.InsertOpts { return jobs.InsertOpts{MaxAttempts: emailMaxAttempts} }

func emailFromDoc(d store.Doc) (*Email, error) {
	var out struct {
		Email
		Version int64 `json:"version"`
	}
	if err := decodeDoc(collEmails, d, &out); err != nil {
		return nil, err
	}
	out.Email.Version = out.Version
	if out.Email.To == nil {
		out.Email.To = []string{}
	}
	return &out.Email, nil
}

// queueEmail stores an email and its job, both under m.ID; an email stored before (a re-run of
// its cause) is left as it is. The recipients are checked here: a wrong one refuses the whole
// email with its stable code.
func (e *Engine) queueEmail(ctx context.Context, m *Email) (bool, error) {
	if len(m.To) == 0 {
		return false, nil
	}
	if len(m.To) > workflow.MaxEmailRecipients {
		return false, emailInputError(workflow.CodeTooManyRecipients, "/to", "an email has at most %d recipients; this one has %d", workflow.MaxEmailRecipients, len(m.To))
	}
	for i, a := range m.To {
		if err := checkAddress(fmt.Sprintf("/to/%d", i), a); err != nil {
			return false, err
		}
	}
	if workflow.CheckHeaderText(m.Subject) != "" {
		return false, emailInputError(workflow.CodeHeaderInjection, "/subject", "a subject is one line: no CR or LF")
	}
	now := e.now()
	d := store.Doc{"id": m.ID, "kind": m.Kind, "to": toStoreKinds(anyList(m.To)), "subject": m.Subject, "text": m.Text,
		"status": emailPending, "attempts": int64(0), "max_attempts": int64(emailMaxAttempts),
		"next_attempt_at": stamp(now), "created_at": stamp(now)}
	for k, v := range map[string]string{"object": m.Object, "record": m.Record, "automation": m.Automation,
		"template": m.Template, "user": m.User, "html": m.HTML, "locale": m.Locale} {
		setOrDelete(d, k, v)
	}
	err := e.store.Insert(ctx, collEmails, d)
	before := errors.Is(err, store.ErrDuplicateID)
	if err != nil && !before {
		return false, storeErr(err)
	}
	if _, err := e.insertJob(ctx, m.ID, emailArgs{Email: m.ID}, now); err != nil {
		return false, err
	}
	return !before, nil
}

// handleEmail makes one attempt of an outbox email and records how it went.
func (e *Engine) handleEmail(ctx context.Context, j *jobs.Job[emailArgs]) error {
	id := j.Args.Email
	d, err := e.store.Get(ctx, collEmails, id)
	if errors.Is(err, store.ErrNotFound) {
		return permanent(fmt.Errorf("email %s is missing", id))
	}
	if err != nil {
		return storeErr(err)
	}
	m, err := emailFromDoc(d)
	if err != nil {
		return permanent(err)
	}
	switch m.Status {
	case emailSent, emailDead, emailUncertain:
		return nil // a job left over from a crash after the outcome was stored
	case emailSending:
		// The process that handed it over died before storing the answer.
		e.finishEmail(ctx, d, m, emailUncertain, "the engine stopped while the message was being handed to the server; it may have been delivered, so it is not sent again by itself", "")
		return nil
	}
	s, err := e.storedSMTP(ctx)
	if err != nil {
		return err
	}
	if !s.configured() {
		err = errors.New("smtp_not_configured: the SMTP settings are not saved")
		e.recordEmailAttempt(ctx, d, m, j, err)
		return err
	}
	msg := &outMessage{ID: m.ID, From: s.FromAddress, FromName: s.FromName, To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML, At: e.now()}
	version := m.Version
	commit := func() error {
		delete(d, "version")
		d["status"], d["updated_at"] = emailSending, e.stamp()
		if err := e.store.Replace(ctx, collEmails, d, version); err != nil {
			return storeErr(err)
		}
		version++
		return nil
	}
	err = e.sendSMTP(ctx, s, msg, commit)
	m.Version = version
	var unsure uncertainError
	switch {
	case err == nil:
		e.finishEmail(ctx, d, m, emailSent, "", stamp(e.now()))
		return nil
	case errors.As(err, &unsure):
		e.finishEmail(ctx, d, m, emailUncertain, err.Error(), "")
		return nil
	}
	e.recordEmailAttempt(ctx, d, m, j, err)
	return err
}

// finishEmail stores a final outcome of an attempt (sent or uncertain); a sent email goes on its
// record's history.
func (e *Engine) finishEmail(ctx context.Context, d store.Doc, m *Email, status, reason, sentAt string) {
	ctx = context.WithoutCancel(ctx)
	delete(d, "version")
	delete(d, "next_attempt_at")
	d["status"], d["updated_at"], d["attempts"] = status, e.stamp(), m.Attempts+1
	setOrDelete(d, "last_error", reason)
	setOrDelete(d, "sent_at", sentAt)
	if err := e.store.Replace(ctx, collEmails, d, m.Version); err != nil {
		e.log.Error("email outcome not recorded", "email", m.ID, "status", status, "err", err)
		return
	}
	if status == emailSent && m.Record != "" {
		e.audit(ctx, SystemActor, auditEntry{Action: "email_sent", Object: m.Object, Record: m.Record, Email: joinTo(m.To),
			Changes: map[string]Change{"email_subject": {New: m.Subject}}})
	}
}

func joinTo(to []string) string {
	out := ""
	for i, a := range to {
		if i > 0 {
			out += ", "
		}
		out += a
	}
	return out
}

// recordEmailAttempt stores a failed attempt; the job's own failure handling plans the next one
// at the same backoff, or ends it.
func (e *Engine) recordEmailAttempt(ctx context.Context, d store.Doc, m *Email, j *jobs.Job[emailArgs], err error) {
	ctx = context.WithoutCancel(ctx)
	now := e.now()
	delete(d, "version")
	d["attempts"], d["updated_at"], d["last_error"] = m.Attempts+1, stamp(now), err.Error()
	delete(d, "next_attempt_at")
	var pe permanentError
	if errors.As(err, &pe) || j.Attempts+1 >= j.MaxAttempts {
		d["status"] = emailDead
	} else {
		d["status"] = emailFailed
		d["next_attempt_at"] = stamp(now.Add(backoff(j.Attempts + 1)))
	}
	if err := e.store.Replace(ctx, collEmails, d, m.Version); err != nil {
		e.log.Error("email attempt not recorded", "email", m.ID, "err", err)
	}
}

// ListEmails shows outbox emails, newest first, to admins only: an email holds the values of the
// record it was filled for, whatever the reader's access to that record. record and status narrow
// the list when given.
func (e *Engine) ListEmails(ctx context.Context, by *Actor, record, status string, limit int) ([]*Email, error) {
	if !by.IsAdmin() {
		return nil, ErrForbidden
	}
	if limit < 1 || limit > MaxPageSize {
		limit = DefaultPageSize
	}
	var and store.And
	if record != "" {
		and = append(and, store.Compare{Field: "record", Op: store.Eq, Value: record, Scalar: true})
	}
	if status != "" {
		switch status {
		case emailPending, emailSending, emailFailed, emailSent, emailDead, emailUncertain:
		default:
			return nil, errorf(KindInvalid, "invalid_status", "status is one of pending, sending, failed, sent, dead, uncertain")
		}
		and = append(and, store.Compare{Field: "status", Op: store.Eq, Value: status, Scalar: true})
	}
	var f store.Filter
	if len(and) > 0 {
		f = and
	}
	docs, err := e.store.Find(ctx, collEmails, store.Query{Filter: f, Sort: []store.SortKey{{Field: "created_at", Desc: true}}, Limit: limit})
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]*Email, 0, len(docs))
	for _, d := range docs {
		m, err := emailFromDoc(d)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// RetryEmail sends a dead or uncertain email again (for an uncertain one, a person decides that
// a second copy is better than none), with a fresh set of attempts, the first due now. Admins
// only, as the outbox's list.
func (e *Engine) RetryEmail(ctx context.Context, by *Actor, id string) (*Email, error) {
	if !by.IsAdmin() {
		return nil, ErrForbidden
	}
	d, err := e.store.Get(ctx, collEmails, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(KindNotFound, "email_not_found", "no email %q", id)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	m, err := emailFromDoc(d)
	if err != nil {
		return nil, err
	}
	if m.Status != emailDead && m.Status != emailUncertain {
		return nil, errorf(KindConflict, "email_not_retryable", "only a dead or uncertain email can be retried; this one is %v", m.Status)
	}
	now := e.now()
	// The job first: if the process dies before the email says pending, the job's attempt finds
	// it dead or uncertain and leaves it so; the admin retries again.
	if err := e.rearmJob(ctx, id, emailArgs{Email: id}, now); err != nil {
		return nil, err
	}
	delete(d, "version")
	d["status"], d["next_attempt_at"], d["updated_at"] = emailPending, stamp(now), stamp(now)
	d["max_attempts"] = m.Attempts + emailMaxAttempts
	if err := e.store.Replace(ctx, collEmails, d, m.Version); err != nil {
		return nil, storeErr(err)
	}
	e.audit(ctx, by, auditEntry{Action: "email_retried", Object: "email", Record: id})
	m, err = emailFromDoc(d)
	return m, err
}
