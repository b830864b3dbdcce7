// Package testfixture holds the definitions tests of several packages share, written once: the
// workflow tests compile them, the engine tests save them through the engine, the API tests post
// them over HTTP. It imports nothing of the project.
package testfixture

// ContractObject is the contract of the approval tests: a title, an amount, a flag for
// non-standard terms and a status that the approval process sets.
const ContractObject = `{"name":"contract","fields":[
 {"name":"title","type":"text","required":true},
 {"name":"amount","type":"currency","currency":"CNY"},
 {"name":"non_standard_terms","type":"boolean"},
 {"name":"status","type":"picklist","default":"draft","options":[{"value":"draft"},{"value":"pending"},{"value":"approved"},{"value":"rejected"}]}]}`

// ContractApproval is the contract approval process: a draft, rejected or new contract is marked
// pending; the area manager (the submitter's manager) approves; at or over 50,000 the finance
// team too; non-standard terms also need every member of legal (countersign). The area step
// escalates after 48 hours.
//
// Node and edge indexes matter to tests that read error pointers: nodes start 0, mark 1, area 2,
// amount 3, finance 4, terms 5, legal 6, approved 7, rejected 8; edges e1 0 ... e9 8.
const ContractApproval = `{"name":"contract_approval","object":"contract","label":{"en":"Contract approval"},
 "entry_condition":"status == \"draft\" || status == \"rejected\" || status == nil",
 "nodes":[
  {"id":"start","kind":"start","position":{"x":40,"y":200}},
  {"id":"mark","kind":"action","updates":{"status":"\"pending\""}},
  {"id":"area","kind":"approval","label":{"en":"Area manager"},"approvers":[{"type":"manager","levels":1}],"mode":"any","timeout":"48h","on_timeout":"escalate"},
  {"id":"amount","kind":"condition","position":{"x":300,"y":200}},
  {"id":"finance","kind":"approval","approvers":[{"type":"team","team":"finance"}],"mode":"any"},
  {"id":"terms","kind":"condition"},
  {"id":"legal","kind":"approval","approvers":[{"type":"team","team":"legal"}],"mode":"all"},
  {"id":"approved","kind":"approved","updates":{"status":"\"approved\""}},
  {"id":"rejected","kind":"rejected","updates":{"status":"\"rejected\""}}],
 "edges":[
  {"id":"e1","from":"start","to":"mark"},
  {"id":"e2","from":"mark","to":"area"},
  {"id":"e3","from":"area","to":"amount"},
  {"id":"e4","from":"amount","to":"finance","condition":"amount >= 50000"},
  {"id":"e5","from":"amount","to":"terms","default":true},
  {"id":"e6","from":"finance","to":"terms"},
  {"id":"e7","from":"terms","to":"legal","condition":"non_standard_terms == true"},
  {"id":"e8","from":"terms","to":"approved","default":true},
  {"id":"e9","from":"legal","to":"approved"}]}`
