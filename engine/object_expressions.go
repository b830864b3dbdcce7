package engine

import (
	"context"
	"slices"

	"crm/forms"
	"crm/rules"
)

// ExpressionCheck asks whether an expression compiles against an object, saved (Object) or a
// draft the builder has not saved yet (Definition).
type ExpressionCheck struct {
	Object     string        `json:"object,omitempty"`
	Definition *forms.Object `json:"definition,omitempty"`
	Expression string        `json:"expression"`
	Kind       string        `json:"kind"`           // condition, value or formula
	Type       string        `json:"type,omitempty"` // value: the field type; formula: the result type
}

// ExpressionResult is the answer: the type the expression gives, or its mistakes.
type ExpressionResult struct {
	OK     bool          `json:"ok"`
	Type   string        `json:"type,omitempty"`
	Errors []rules.Issue `json:"errors,omitempty"`
}

// CheckExpression type-checks one expression as a definition save would. It is called as the
// analyst types, so a saved object's environment comes from the definition cache (built anew
// only for an actor from whom fields are hidden).
func (e *Engine) CheckExpression(ctx context.Context, by *Actor, req ExpressionCheck) (ExpressionResult, error) {
	want := rules.Expect{Kind: req.Kind, Type: req.Type}
	switch req.Kind {
	case rules.KindCondition:
		want.Type = ""
	case rules.KindValue, rules.KindFormula:
		if !slices.Contains(forms.Types(), req.Type) {
			return ExpressionResult{}, errorf(KindInvalid, "invalid_type", "type must be a field type such as \"currency\" for kind %q", req.Kind)
		}
	default:
		return ExpressionResult{}, errorf(KindInvalid, "invalid_kind", "kind must be condition, value or formula")
	}
	var env *rules.Env
	switch {
	case req.Definition != nil:
		env = rules.NewEnv(req.Definition)
	case req.Object != "":
		def, g, err := e.access(ctx, by, req.Object)
		if err != nil {
			return ExpressionResult{}, err
		}
		env = def.rules.Env
		if g.view != def.obj {
			// Against the object as the actor sees it: a hidden name is an unknown name.
			env = rules.NewEnv(g.view)
		}
	default:
		return ExpressionResult{}, errorf(KindInvalid, "invalid_request", "name the object, or send the draft definition")
	}
	p, issue := env.Compile(req.Expression, want)
	if issue != nil {
		return ExpressionResult{Errors: []rules.Issue{*issue}}, nil
	}
	return ExpressionResult{OK: true, Type: p.Type()}, nil
}
