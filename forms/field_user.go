package forms

// TypeUser is a reference to a user of the CRM.
const TypeUser = "user"

// userType is a user id (a sales rep, an approver). Users are not an object, so it has no target.
type userType struct{}

var _ fieldType = userType{}

func init() { register(TypeUser, userType{}) }

func (userType) allows() option { return optStored }

func (userType) check(*Field, string, *report) {}

func (userType) schema(*Field) map[string]any { return idSchema() }

func (userType) store(_ *Field, v any) (any, *issue) { return storeID(v) }

func (userType) wire(_ *Field, v any) any { return v }
