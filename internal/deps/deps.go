// Package deps pins the project's chosen dependencies while the packages that use them are being
// written; it is removed once every one is imported by real code.
package deps

import (
	_ "github.com/FerretDB/FerretDB/ferretdb"
	_ "github.com/expr-lang/expr"
	_ "github.com/gofiber/fiber/v2"
	_ "github.com/robfig/cron/v3"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
	_ "go.mongodb.org/mongo-driver/v2/mongo"
	_ "golang.org/x/crypto/argon2"
	_ "modernc.org/sqlite"
)
