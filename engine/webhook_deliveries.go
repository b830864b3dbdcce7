package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"crm/engine/jobs"
	"crm/engine/store"
	"crm/workflow"
)

// A webhook action stores a delivery (what to send, where, and how it went) and a durable job
// of the same id that sends it. Both ids derive from the automation run's key and the action's
// index, so an action re-run after a crash queues no second delivery; the id is also the
// webhook-id header, the same on every attempt, so receivers can drop repeats. Each attempt is
// signed afresh with the engine clock's time; a 2xx answer ends the delivery, anything else is
// retried with the scheduler's backoff until webhookMaxAttempts, then the delivery is dead with
// its reason. A target the allow-list refuses ends it at once.
const (
	collDeliveries     = "webhook_deliveries"
	webhookMaxAttempts = 8 // 5 s doubling: the last attempt about 10 minutes after the first

	deliveryPending   = "pending"   // waiting for its first attempt (or a retry asked for)
	deliveryFailed    = "failed"    // the last attempt failed; another one is planned
	deliveryDelivered = "delivered" // a 2xx answer
	deliveryDead      = "dead"      // no more attempts
)

var deliveryIndexes = []store.Index{{Field: "automation"}, {Field: "status"}, {Field: "record"}, {Field: "created_at"}}

// Delivery is one webhook delivery as the API shows it (the body and the secret stay inside).
type Delivery struct {
	ID             string `json:"id"`
	Automation     string `json:"automation"`
	Action         int64  `json:"action"`
	Object         string `json:"object"`
	Record         string `json:"record"`
	Run            string `json:"run"`
	Type           string `json:"type"`
	URL            string `json:"url"`
	Status         string `json:"status"`
	Attempts       int64  `json:"attempts"`
	MaxAttempts    int64  `json:"max_attempts"`
	LastStatusCode int64  `json:"last_status_code,omitempty"`
	LastError      string `json:"last_error,omitempty"`
	NextAttemptAt  string `json:"next_attempt_at,omitempty"`
	DeliveredAt    string `json:"delivered_at,omitempty"`
	CreatedAt      string `json:"created_at"`
	UpdatedAt      string `json:"updated_at,omitempty"`
}

// deliveryDoc is a stored delivery: what the API shows, and what only the attempt reads.
type deliveryDoc struct {
	Delivery
	Secret  string `json:"secret"`
	Body    string `json:"body"`
	Version int64  `json:"version"`
}

func deliveryFromDoc(d store.Doc) (*deliveryDoc, error) {
	var out deliveryDoc
	if err := decodeDoc(collDeliveries, d, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// queueWebhook stores the delivery of webhook action i of a run and its job; key is the run's key.
func (e *Engine) queueWebhook(ctx context.Context, a *workflow.Compiled, i int, act workflow.Action, def *definition, record string, doc, old store.Doc, trigger, key string) (string, error) {
	if _, err := workflow.DecodeSecret(act.Secret); err != nil {
		return "", permanent(fmt.Errorf("webhook secret: %v", err))
	}
	id := derivedID(fmt.Sprintf("webhook:%s:%d", key, i))
	now := e.now()
	body, err := webhookBody(def, a.Name, trigger, doc, old, stamp(now))
	if err != nil {
		return "", permanent(err)
	}
	d := store.Doc{"id": id, "automation": a.Name, "action": int64(i), "object": a.Object, "record": record,
		"run": derivedID("run:" + key), "type": workflow.WebhookType(trigger), "url": act.URL, "secret": act.Secret,
		"body": string(body), "status": deliveryPending, "attempts": int64(0), "max_attempts": int64(webhookMaxAttempts),
		"next_attempt_at": stamp(now), "created_at": stamp(now)}
	err = e.store.Insert(ctx, collDeliveries, d)
	before := errors.Is(err, store.ErrDuplicateID)
	if err != nil && !before {
		return "", storeErr(err)
	}
	if _, err := e.insertJob(ctx, id, webhookArgs{Delivery: id}, now); err != nil {
		return "", err
	}
	if before {
		return "webhook " + id + " queued (before)", nil
	}
	return "webhook " + id + " queued", nil
}

// webhookBody is what a delivery sends: {type, timestamp, data: {object, automation, record,
// changes}}. The automation runs as the system, so record holds every field; changes has the old
// and new value of each field an update changed.
func webhookBody(def *definition, automation, trigger string, doc, old store.Doc, at string) ([]byte, error) {
	data := map[string]any{"object": def.obj.Name, "automation": automation}
	switch {
	case doc != nil:
		data["record"] = wire(def, doc)
	case old != nil: // deleted: the record as it was
		data["record"] = wire(def, old)
	}
	if doc != nil && old != nil {
		before, after := wire(def, old), wire(def, doc)
		changes := map[string]any{}
		for _, f := range def.obj.Fields {
			if fmt.Sprint(old[f.Name]) != fmt.Sprint(doc[f.Name]) {
				changes[f.Name] = map[string]any{"old": before[f.Name], "new": after[f.Name]}
			}
		}
		if len(changes) > 0 {
			data["changes"] = changes
		}
	}
	return json.Marshal(map[string]any{"type": workflow.WebhookType(trigger), "timestamp": at, "data": data})
}

// handleWebhook makes one attempt of a delivery and records how it went.
func (e *Engine) handleWebhook(ctx context.Context, j *jobs.Job[webhookArgs]) error {
	id := j.Args.Delivery
	d, err := e.store.Get(ctx, collDeliveries, id)
	if errors.Is(err, store.ErrNotFound) {
		return permanent(fmt.Errorf("delivery %s is missing", id))
	}
	if err != nil {
		return storeErr(err)
	}
	dl, err := deliveryFromDoc(d)
	if err != nil {
		return permanent(err)
	}
	if dl.Status == deliveryDelivered || dl.Status == deliveryDead {
		return nil // a job left over from a crash after the outcome was stored
	}
	key, err := workflow.DecodeSecret(dl.Secret)
	if err != nil {
		err = permanent(fmt.Errorf("webhook secret: %v", err))
		e.recordAttempt(ctx, d, dl, j, 0, err)
		return err
	}
	allow, err := e.webhookAllow(ctx)
	if err != nil {
		return err
	}
	code, err := sendWebhook(ctx, allow, dl.URL, id, e.now().Unix(), []byte(dl.Body), key)
	var refused *targetRefusedError
	switch {
	case errors.As(err, &refused):
		err = permanent(refused)
	case err == nil && (code < 200 || code > 299):
		err = fmt.Errorf("the receiver answered %d %s", code, http.StatusText(code))
		if code >= 300 && code < 400 {
			err = fmt.Errorf("%w (redirects are not followed)", err)
		}
	}
	e.recordAttempt(ctx, d, dl, j, code, err)
	return err
}

// recordAttempt stores an attempt's outcome in the delivery (d as stored, dl decoded); the job's
// own failure handling (finish) plans the next attempt at the same backoff, or ends it.
func (e *Engine) recordAttempt(ctx context.Context, d store.Doc, dl *deliveryDoc, j *jobs.Job[webhookArgs], code int, err error) {
	ctx = context.WithoutCancel(ctx)
	now := e.now()
	d["attempts"] = dl.Attempts + 1
	d["updated_at"] = stamp(now)
	delete(d, "next_attempt_at")
	delete(d, "last_error")
	delete(d, "last_status_code")
	if code != 0 {
		d["last_status_code"] = int64(code)
	}
	var pe permanentError
	switch {
	case err == nil:
		d["status"], d["delivered_at"] = deliveryDelivered, stamp(now)
	case errors.As(err, &pe) || j.Attempts+1 >= j.MaxAttempts:
		d["status"], d["last_error"] = deliveryDead, err.Error()
	default:
		d["status"], d["last_error"] = deliveryFailed, err.Error()
		d["next_attempt_at"] = stamp(now.Add(backoff(j.Attempts + 1)))
	}
	delete(d, "version")
	if err := e.store.Replace(ctx, collDeliveries, d, dl.Version); err != nil {
		e.log.Error("webhook attempt not recorded", "delivery", d["id"], "err", err)
	}
}

// ListDeliveries shows webhook deliveries, newest first, to admins and analysts; automation and
// status narrow the list when given.
func (e *Engine) ListDeliveries(ctx context.Context, by *Actor, automation, status string, limit int) ([]*Delivery, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	if limit < 1 || limit > MaxPageSize {
		limit = DefaultPageSize
	}
	var and store.And
	if automation != "" {
		and = append(and, store.Compare{Field: "automation", Op: store.Eq, Value: automation, Scalar: true})
	}
	if status != "" {
		switch status {
		case deliveryPending, deliveryFailed, deliveryDelivered, deliveryDead:
		default:
			return nil, errorf(KindInvalid, "invalid_status", "status is one of pending, failed, delivered, dead")
		}
		and = append(and, store.Compare{Field: "status", Op: store.Eq, Value: status, Scalar: true})
	}
	var f store.Filter
	if len(and) > 0 {
		f = and
	}
	docs, err := e.store.Find(ctx, collDeliveries, store.Query{Filter: f, Sort: []store.SortKey{{Field: "created_at", Desc: true}}, Limit: limit})
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]*Delivery, 0, len(docs))
	for _, d := range docs {
		dl, err := deliveryFromDoc(d)
		if err != nil {
			return nil, err
		}
		out = append(out, &dl.Delivery)
	}
	return out, nil
}

// GetDelivery shows one delivery to admins and analysts.
func (e *Engine) GetDelivery(ctx context.Context, by *Actor, id string) (*Delivery, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	d, err := e.store.Get(ctx, collDeliveries, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(KindNotFound, "delivery_not_found", "no webhook delivery %q", id)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	dl, err := deliveryFromDoc(d)
	if err != nil {
		return nil, err
	}
	return &dl.Delivery, nil
}

// RetryDelivery gives a dead delivery a fresh set of attempts, the first one due now.
func (e *Engine) RetryDelivery(ctx context.Context, by *Actor, id string) (*Delivery, error) {
	if err := e.canDefine(ctx, by); err != nil {
		return nil, err
	}
	d, err := e.store.Get(ctx, collDeliveries, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errorf(KindNotFound, "delivery_not_found", "no webhook delivery %q", id)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	dl, err := deliveryFromDoc(d)
	if err != nil {
		return nil, err
	}
	if dl.Status != deliveryDead {
		return nil, errorf(KindConflict, "delivery_not_dead", "only a dead delivery can be retried; this one is %v", dl.Status)
	}
	now := e.now()
	// The job first: if the process dies before the delivery says pending, the job's attempt
	// still updates it.
	if err := e.rearmJob(ctx, id, webhookArgs{Delivery: id}, now); err != nil {
		return nil, err
	}
	delete(d, "version")
	d["status"], d["next_attempt_at"], d["updated_at"] = deliveryPending, stamp(now), stamp(now)
	d["max_attempts"] = dl.Attempts + webhookMaxAttempts // attempts count across retries
	if err := e.store.Replace(ctx, collDeliveries, d, dl.Version); err != nil {
		return nil, storeErr(err)
	}
	e.audit(ctx, by, auditEntry{Action: "webhook_retried", Object: "webhook", Record: id})
	if dl, err = deliveryFromDoc(d); err != nil {
		return nil, err
	}
	return &dl.Delivery, nil
}

// attachDeliveries adds each webhook action's delivery (id, status, attempts) to the run log
// entries of a record's runs.
func (e *Engine) attachDeliveries(ctx context.Context, records []any, runs []RunLog) error {
	if len(runs) == 0 {
		return nil
	}
	docs, err := e.store.Find(ctx, collDeliveries, store.Query{Filter: store.In{Field: "record", Values: records, Scalar: true}, Limit: 1000})
	if err != nil {
		return storeErr(err)
	}
	byRun := map[string][]*Delivery{}
	for _, d := range docs {
		dl, err := deliveryFromDoc(d)
		if err != nil {
			return err
		}
		byRun[dl.Run] = append(byRun[dl.Run], &dl.Delivery)
	}
	for _, run := range runs {
		id, _ := run["id"].(string)
		acts, _ := run["actions"].([]any)
		for _, dl := range byRun[id] {
			if dl.Action < 0 || int(dl.Action) >= len(acts) {
				continue
			}
			if entry, ok := acts[dl.Action].(map[string]any); ok {
				summary := map[string]any{"id": dl.ID, "status": dl.Status, "attempts": dl.Attempts}
				if dl.LastStatusCode != 0 {
					summary["last_status_code"] = dl.LastStatusCode
				}
				entry["delivery"] = summary
			}
		}
	}
	return nil
}
