package engine

import (
	"context"
	"errors"
	"time"

	"crm/engine/store"
	"crm/forms"
)

// SetOwnLocale changes the language of the caller's own profile. The profile's language is the
// one the app speaks to them on every device and the one their notifications are written in, so
// switching the app's language changes it here: the two never disagree (as in Salesforce or
// Dynamics, where the language is a personal setting, not a per-browser one). Anyone may change
// their own; an empty locale clears it (the browser's language then).
func (e *Engine) SetOwnLocale(ctx context.Context, by *Actor, locale string) (*Actor, error) {
	return e.SetOwnProfile(ctx, by, &locale, nil)
}

// SetOwnProfile changes the caller's own language and time zone (nil: unchanged; "": cleared,
// the browser's then). The time zone is the one dates and times are shown in and reminders
// count days by.
func (e *Engine) SetOwnProfile(ctx context.Context, by *Actor, locale, timezone *string) (*Actor, error) {
	var probs []forms.Problem
	if locale != nil && *locale != "" && !forms.ValidLocale(*locale) {
		probs = append(probs, forms.Problem{Pointer: "/locale", Code: "invalid_locale", Message: "not a locale such as en or zh-CN"})
	}
	if timezone != nil && *timezone != "" {
		if _, err := time.LoadLocation(*timezone); err != nil {
			probs = append(probs, forms.Problem{Pointer: "/timezone", Code: "invalid_timezone", Message: "not a time zone such as Asia/Shanghai"})
		}
	}
	if len(probs) > 0 {
		return nil, &Error{Kind: KindValidation, Code: "invalid_user", Message: "the profile is not valid", Problems: probs}
	}
	if err := e.setOwn(ctx, by, func(doc store.Doc) {
		if locale != nil {
			setOrDelete(doc, "locale", *locale)
		}
		if timezone != nil {
			setOrDelete(doc, "timezone", *timezone)
		}
	}); err != nil {
		return nil, err
	}
	out := *by
	if locale != nil {
		out.Locale = *locale
	}
	if timezone != nil {
		out.Timezone = *timezone
	}
	return &out, nil
}

// SetOwnEmailNotifications says whether the caller gets their notifications (assignments,
// approval tasks, SLA warnings and breaches, follow-up reminders) by email too. Anyone may
// change their own.
func (e *Engine) SetOwnEmailNotifications(ctx context.Context, by *Actor, on bool) (*Actor, error) {
	if err := e.setOwn(ctx, by, func(doc store.Doc) {
		if on {
			doc["email_notifications"] = true
		} else {
			delete(doc, "email_notifications")
		}
	}); err != nil {
		return nil, err
	}
	out := *by
	out.EmailNotifications = on
	return &out, nil
}

// setOwn changes the caller's own user document with set.
func (e *Engine) setOwn(ctx context.Context, by *Actor, set func(store.Doc)) error {
	for attempt := 0; ; attempt++ {
		doc, err := e.store.Get(ctx, collUsers, by.ID)
		if errors.Is(err, store.ErrNotFound) {
			return ErrUnauthorized
		}
		if err != nil {
			return storeErr(err)
		}
		v, _ := doc["version"].(int64)
		set(doc)
		doc["updated_at"], doc["updated_by"] = e.stamp(), by.ID
		err = e.store.Replace(ctx, collUsers, doc, v)
		// An admin's change made meanwhile is kept: read again and make the change on top of it.
		if errors.Is(err, store.ErrVersionConflict) && attempt < 5 {
			continue
		}
		if err != nil {
			return storeErr(err)
		}
		break
	}
	e.changedDirectory(ctx)
	e.audit(ctx, by, auditEntry{Action: "user_updated", Object: "user", Record: by.ID})
	return nil
}
