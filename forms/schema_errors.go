package forms

import (
	"errors"
	"strconv"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// schemaIssues turns the error tree of a failed validation into field issues. It walks to the
// leaves; the field is the first token of a leaf's instance location. Errors at the record itself
// name fields too: "required" lists the missing ones, "additionalProperties" the unknown ones.
func (c *Compiled) schemaIssues(err error, out []fieldIssue) []fieldIssue {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return append(out, fieldIssue{issue: issue{code: CodeInvalid}})
	}
	return c.walk(ve, out)
}

func (c *Compiled) walk(e *jsonschema.ValidationError, out []fieldIssue) []fieldIssue {
	if len(e.Causes) > 0 {
		for _, cause := range e.Causes {
			out = c.walk(cause, out)
		}
		return out
	}
	if len(e.InstanceLocation) == 0 {
		switch k := e.ErrorKind.(type) {
		case *kind.Required:
			for _, name := range k.Missing {
				out = append(out, fieldIssue{field: name, issue: issue{code: CodeRequired}})
			}
		case *kind.AdditionalProperties:
			for _, name := range k.Properties {
				out = append(out, fieldIssue{field: name, issue: issue{code: CodeUnknownField}})
			}
		default:
			out = append(out, fieldIssue{issue: issue{code: CodeInvalid}})
		}
		return out
	}
	name := e.InstanceLocation[0]
	var f *Field
	if i, ok := c.order[name]; ok {
		f = c.Object.Fields[i]
	}
	return append(out, fieldIssue{field: name, issue: leafIssue(e.ErrorKind, f, len(e.InstanceLocation) > 1)})
}

// leafIssue maps one error kind at field f to a stable code. Null for a required field, and an
// empty text or list where one is required, read as "required": that is what the user did wrong.
// inside tells that the error is about an element of the value (an item of a multipicklist).
func leafIssue(k jsonschema.ErrorKind, f *Field, inside bool) issue {
	required := f != nil && f.Required && !inside
	switch k := k.(type) {
	case *kind.Type:
		if k.Got == "null" && required {
			return issue{code: CodeRequired}
		}
		want := ""
		for _, w := range k.Want {
			if w != "null" {
				want = w
				break
			}
		}
		return issue{code: CodeType, arg: want}
	case *kind.Enum:
		if k.Got == nil && required {
			return issue{code: CodeRequired}
		}
		return issue{code: CodeEnum}
	case *kind.Format:
		return issue{code: CodeFormat, arg: k.Want}
	case *kind.MinLength:
		if k.Got == 0 && required {
			return issue{code: CodeRequired}
		}
		return issue{code: CodeMinLength, arg: strconv.Itoa(k.Want)}
	case *kind.MaxLength:
		return issue{code: CodeMaxLength, arg: strconv.Itoa(k.Want)}
	case *kind.MinItems:
		return issue{code: CodeRequired}
	case *kind.Minimum:
		return issue{code: CodeMinimum, arg: limitText(f, true, k.Want.RatString())}
	case *kind.Maximum:
		return issue{code: CodeMaximum, arg: limitText(f, false, k.Want.RatString())}
	case *kind.Pattern:
		return issue{code: CodePattern, arg: k.Want}
	case *kind.UniqueItems:
		return issue{code: CodeUniqueItems}
	case *kind.InvalidJsonValue:
		return issue{code: CodeType}
	}
	return issue{code: CodeInvalid}
}

// limitText shows a limit as the definition wrote it ("10.50"), not as a fraction.
func limitText(f *Field, min bool, fallback string) string {
	if f != nil && min && f.Min != nil {
		return f.Min.String()
	}
	if f != nil && !min && f.Max != nil {
		return f.Max.String()
	}
	return fallback
}
