package jobs_test

import (
	"context"
	"fmt"

	"crm/engine/jobs"
)

// ReminderArgs are the arguments of a kind of job; the tags are the keys of its stored payload.
type ReminderArgs struct {
	Record string `json:"record"`
	Due    string `json:"due"`
}

func (ReminderArgs) Kind() string { return "reminder" }

func Example() {
	var ws jobs.Workers
	jobs.Register(&ws, func(_ context.Context, j *jobs.Job[ReminderArgs]) error {
		fmt.Println("remind", j.Args.Record, "at", j.Args.Due, "(job", j.ID+")")
		return nil
	})

	// What the engine stores with a job: the kind and the payload.
	args := ReminderArgs{Record: "r1", Due: "2025-01-02T03:04:05.000Z"}
	payload, _ := jobs.Encode(args)
	fmt.Println(args.Kind(), payload)

	// What a scheduler does with a stored job it claimed.
	if err := ws.Work(context.Background(), jobs.Row{ID: "job-7", Kind: args.Kind(), MaxAttempts: 8, Payload: payload}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// reminder map[due:2025-01-02T03:04:05.000Z record:r1]
	// remind r1 at 2025-01-02T03:04:05.000Z (job job-7)
}
