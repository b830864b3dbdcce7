package engine

import "crm/forms"

// catalogLanguages are the languages every entry of errorTexts speaks.
var catalogLanguages = []string{"en", "zh-CN"}

// errorTexts is the catalog of top-level error codes: for each code the engine and its API can
// answer, a general message in every catalog language. The English error a call site makes says
// more (which object, which field, where in the filter); a reader of another language gets the
// catalog's text and that English text beside it as Detail. TestEveryCodeHasItsMessages walks
// the sources and fails when a code is missing here.
var errorTexts = map[string]forms.Label{
	// Sign-in and permission.
	"unauthorized":        {"en": "sign in first", "zh-CN": "请先登录"},
	"invalid_credentials": {"en": "wrong email or password", "zh-CN": "邮箱或密码错误"},
	"forbidden":           {"en": "you may not do this", "zh-CN": "无权限执行此操作"},
	"session_required":    {"en": "sign in with a password to do this; an API token may not", "zh-CN": "此操作需使用密码登录，API 令牌无权执行"},
	"csrf_failed":         {"en": "the request failed the security check; reload the page and try again", "zh-CN": "请求未通过安全校验，请刷新页面后重试"},
	"too_many_attempts":   {"en": "too many attempts; try again later", "zh-CN": "尝试次数过多，请稍后再试"},
	"wrong_password":      {"en": "the current password is not right", "zh-CN": "当前密码不正确"},
	"weak_password":       {"en": "the password is too weak", "zh-CN": "密码强度不足"},
	"invalid_api_token":   {"en": "the API token settings are not valid", "zh-CN": "API 令牌设置有误"},
	"api_token_not_found": {"en": "the API token does not exist", "zh-CN": "API 令牌不存在"},
	"link_invalid":        {"en": "this link is not valid; ask an administrator for a new one", "zh-CN": "链接无效，请联系管理员获取新链接"},
	"link_used":           {"en": "this link was already used; ask an administrator for a new one", "zh-CN": "链接已被使用，请联系管理员获取新链接"},
	"link_expired":        {"en": "this link has expired; ask an administrator for a new one", "zh-CN": "链接已过期，请联系管理员获取新链接"},
	"user_inactive":       {"en": "the user is deactivated; reactivate them first", "zh-CN": "该用户已停用，请先重新启用"},

	// The request itself.
	"bad_request":        {"en": "the request is not valid", "zh-CN": "请求无效"},
	"invalid_request":    {"en": "the request is not valid", "zh-CN": "请求无效"},
	"malformed_json":     {"en": "the request body is not valid JSON", "zh-CN": "请求内容不是有效的 JSON"},
	"method_not_allowed": {"en": "this method is not allowed here", "zh-CN": "不支持该请求方法"},
	"not_found":          {"en": "not found", "zh-CN": "请求的资源不存在"},
	"too_large":          {"en": "the request is larger than the server accepts", "zh-CN": "请求内容过大"},
	"timeout":            {"en": "the request took too long", "zh-CN": "请求超时，请稍后重试"},
	"http_error":         {"en": "the request could not be handled", "zh-CN": "请求无法处理"},
	"internal_error":     {"en": "something went wrong on our side", "zh-CN": "服务器内部错误，请稍后重试"},
	"invalid_parameter":  {"en": "a parameter is not valid", "zh-CN": "参数无效"},
	"invalid_query":      {"en": "the query parameters are not valid", "zh-CN": "查询参数无效"},
	"invalid_if_match":   {"en": "If-Match must be a record version", "zh-CN": "If-Match 必须是记录的版本号"},
	"invalid_key":        {"en": "a field name is not allowed", "zh-CN": "包含不允许使用的字段名"},
	"invalid_version":    {"en": "the version is not valid", "zh-CN": "版本号无效"},
	"invalid_status":     {"en": "the status is not valid", "zh-CN": "状态值无效"},
	"invalid_advance":    {"en": "advance is a positive duration", "zh-CN": "推进时长必须为正数"},
	"missing_object":     {"en": "name the object", "zh-CN": "请指定对象"},

	// Lists, filters and reports.
	"invalid_filter":   {"en": "the filter is not valid", "zh-CN": "筛选条件无效"},
	"invalid_sort":     {"en": "the sort order is not valid", "zh-CN": "排序设置无效"},
	"invalid_cursor":   {"en": "the page cursor is not valid; start again from the first page", "zh-CN": "分页位置已失效，请从第一页重新加载"},
	"invalid_limit":    {"en": "the page size is out of range", "zh-CN": "每页条数超出允许范围"},
	"invalid_group_by": {"en": "the grouping is not valid", "zh-CN": "分组设置无效"},
	"invalid_measure":  {"en": "the measure is not valid", "zh-CN": "统计指标无效"},
	"query_timeout":    {"en": "the query took too long; narrow the filter", "zh-CN": "查询超时，请缩小筛选范围"},
	"filter_too_broad": {"en": "a condition on a related record matches too many records; narrow it", "zh-CN": "关联记录的筛选条件匹配的记录过多，请缩小范围"},
	"report_too_broad": {"en": "the report has too many groups; narrow its filter or group by fewer fields", "zh-CN": "报表分组过多，请缩小筛选范围或减少分组字段"},
	"field_hidden":     {"en": "the report reads a field you may not see", "zh-CN": "报表使用了您无权查看的字段"},
	"invalid_page":     {"en": "the page is out of range", "zh-CN": "页码超出允许范围"},

	// Records.
	"record_not_found":     {"en": "the record does not exist", "zh-CN": "记录不存在"},
	"record_exists":        {"en": "the record already exists", "zh-CN": "记录已存在"},
	"record_locked":        {"en": "the record is waiting for an approval and cannot be changed", "zh-CN": "记录正在审批中，暂时无法修改"},
	"version_conflict":     {"en": "someone else changed this; reload it and try again", "zh-CN": "版本冲突：该数据已被他人修改，请刷新后重试"},
	"duplicate_value":      {"en": "another record already has this value", "zh-CN": "该值已被其他记录使用"},
	"duplicate_found":      {"en": "this looks like a record that already exists", "zh-CN": "疑似与已有记录重复"},
	"validation_failed":    {"en": "some fields are not valid", "zh-CN": "部分字段无效"},
	"expression_budget":    {"en": "an expression of this object does too much work for this record; an administrator must simplify it", "zh-CN": "此对象的表达式对该记录计算量过大，请管理员简化"},
	"controlled_field":     {"en": "some fields are set only by a process", "zh-CN": "部分字段只能由流程设置，不能手动修改"},
	"comment_too_long":     {"en": "the comment is too long (at most 4000 characters)", "zh-CN": "评论内容过长（最多 4000 个字符）"},
	"invalid_email":        {"en": "not a valid email address", "zh-CN": "邮箱地址格式不正确"},
	"user_not_found":       {"en": "the user does not exist", "zh-CN": "用户不存在"},
	"user_exists":          {"en": "a user with this email already exists", "zh-CN": "该邮箱已被其他用户使用"},
	"invalid_user":         {"en": "the user is not valid", "zh-CN": "用户信息有误"},
	"database_unavailable": {"en": "the database does not answer; try again shortly", "zh-CN": "数据库暂时无法访问，请稍后重试"},

	// Pools.
	"already_claimed":        {"en": "someone has claimed this record already", "zh-CN": "该记录已被他人领取"},
	"not_pool_member":        {"en": "only members of the pool may claim its records", "zh-CN": "只有该池的成员才能领取其中的记录"},
	"already_in_pool":        {"en": "the record is in a pool already", "zh-CN": "该记录已在池中"},
	"pool_not_found":         {"en": "the object has no such pool", "zh-CN": "该对象没有这个池"},
	"return_reason_required": {"en": "say why the record goes back to the pool", "zh-CN": "请填写退回公海的原因"},
	"return_reason_too_long": {"en": "the reason is too long (at most 500 characters)", "zh-CN": "原因过长（最多 500 个字符）"},

	// Merging records.
	"record_merged":         {"en": "the record was merged into another record", "zh-CN": "该记录已被合并到另一条记录"},
	"merge_invalid_records": {"en": "name the record to keep and one or more other records to merge into it", "zh-CN": "请指定要保留的记录，以及要合并进来的其他记录（不能重复）"},
	"merge_too_many":        {"en": "at most 3 records can be merged into one at a time", "zh-CN": "一次最多只能将 3 条记录合并到一条记录"},
	"merge_invalid_field":   {"en": "a field cannot be chosen in this merge", "zh-CN": "合并时无法选择该字段"},
	"merge_invalid_choice":  {"en": "each field's value must come from one of the merged records", "zh-CN": "每个字段的值必须取自参与合并的记录之一"},

	// Definitions.
	"object_not_found":   {"en": "the object does not exist", "zh-CN": "对象不存在"},
	"object_exists":      {"en": "an object with this name already exists", "zh-CN": "同名对象已存在"},
	"object_in_use":      {"en": "another object looks up this object; remove that field first", "zh-CN": "该对象正被其他对象的查找字段引用，请先删除该字段"},
	"invalid_definition": {"en": "the definition is not valid", "zh-CN": "定义有误，请修正标出的问题"},
	"definition_broken":  {"en": "the definition no longer compiles; an analyst must fix it", "zh-CN": "该定义已无法生效，请联系管理员修复"},
	"breaking_change":    {"en": "the change does not fit the stored records", "zh-CN": "该修改与已有记录不兼容，无法保存"},
	"invalid_type":       {"en": "not a known field type", "zh-CN": "无效的字段类型"},
	"invalid_kind":       {"en": "kind must be condition, value or formula", "zh-CN": "表达式类型必须是 condition、value 或 formula"},
	"view_not_found":     {"en": "the view does not exist", "zh-CN": "视图不存在"},
	"invalid_view":       {"en": "the view is not valid", "zh-CN": "视图设置有误"},
	"role_not_found":     {"en": "the role does not exist", "zh-CN": "角色不存在"},
	"role_exists":        {"en": "a role with this name already exists", "zh-CN": "同名角色已存在"},
	"role_in_use":        {"en": "users still hold this role", "zh-CN": "仍有用户使用该角色，无法删除"},
	"role_fixed":         {"en": "built-in roles cannot be changed or deleted", "zh-CN": "内置角色不能修改或删除"},
	"invalid_role":       {"en": "the role is not valid", "zh-CN": "角色设置有误"},
	"team_not_found":     {"en": "the team does not exist", "zh-CN": "团队不存在"},
	"team_exists":        {"en": "a team with this id already exists", "zh-CN": "同名团队已存在"},
	"team_in_use":        {"en": "the team still has members; move them first", "zh-CN": "该团队仍有成员，请先移出成员"},
	"invalid_team":       {"en": "the team is not valid", "zh-CN": "团队设置有误"},

	// Named definitions: namedKinds makes these codes.
	"calendar_not_found":        {"en": "the calendar does not exist", "zh-CN": "日历不存在"},
	"calendar_exists":           {"en": "a calendar with this name already exists", "zh-CN": "同名日历已存在"},
	"calendar_in_use":           {"en": "the calendar is in use", "zh-CN": "该日历正在使用中，无法删除"},
	"sla_policy_not_found":      {"en": "the SLA policy does not exist", "zh-CN": "SLA 策略不存在"},
	"sla_policy_exists":         {"en": "an SLA policy with this name already exists", "zh-CN": "同名 SLA 策略已存在"},
	"duplicate_rules_not_found": {"en": "the object has no duplicate rules", "zh-CN": "该对象没有查重规则"},
	"duplicate_rules_exists":    {"en": "the object already has duplicate rules; replace them instead", "zh-CN": "该对象已有查重规则，请直接修改"},
	"automation_not_found":      {"en": "the automation does not exist", "zh-CN": "自动化不存在"},
	"automation_exists":         {"en": "an automation with this name already exists", "zh-CN": "同名自动化已存在"},
	"dashboard_not_found":       {"en": "the dashboard does not exist", "zh-CN": "仪表盘不存在"},
	"dashboard_exists":          {"en": "a dashboard with this name already exists", "zh-CN": "同名仪表盘已存在"},
	"report_not_found":          {"en": "the report does not exist", "zh-CN": "报表不存在"},
	"report_exists":             {"en": "a report with this name already exists", "zh-CN": "同名报表已存在"},
	"invalid_search":            {"en": "search for at most 100 characters", "zh-CN": "搜索内容最多 100 个字符"},
	"invalid_bulk":              {"en": "the bulk request is not valid: one action, 1 to 200 different records", "zh-CN": "批量请求无效：一个操作，1 至 200 条不同的记录"},
	"web_form_not_found":        {"en": "this form does not exist or is closed", "zh-CN": "该表单不存在或已停用"},
	"web_form_exists":           {"en": "a web form with this name already exists", "zh-CN": "同名网页表单已存在"},

	// Public web forms: what a visitor reads.
	"web_form_token_invalid": {"en": "this form could not be checked; please send it again", "zh-CN": "表单校验失败，请重新提交"},
	"web_form_too_fast":      {"en": "that was quicker than a person types; please check the form and send it again", "zh-CN": "提交过快，请检查后重新提交"},
	"web_form_expired":       {"en": "this page was open too long; please send the form again", "zh-CN": "页面打开时间过长，请重新提交"},
	"too_many_submissions":   {"en": "too many submissions; please try again later", "zh-CN": "提交过于频繁，请稍后再试"},

	// Workflow.
	"automation_failed":          {"en": "the automation failed", "zh-CN": "自动化执行失败"},
	"not_manual":                 {"en": "the automation cannot be run by hand", "zh-CN": "该自动化不支持手动执行"},
	"invalid_use":                {"en": "a record chosen in place of a new one is not one this action could use", "zh-CN": "所选的现有记录不能用于该操作"},
	"no_assignment_rules":        {"en": "the object has no active assignment rules", "zh-CN": "该对象没有启用的分配规则"},
	"no_sla":                     {"en": "no SLA policy measures this record", "zh-CN": "没有适用于该记录的 SLA 策略"},
	"notification_not_found":     {"en": "the notification does not exist", "zh-CN": "通知不存在"},
	"delivery_not_found":         {"en": "the webhook delivery does not exist", "zh-CN": "Webhook 推送记录不存在"},
	"delivery_not_dead":          {"en": "only a delivery that gave up can be retried", "zh-CN": "只能重试已停止重试的 Webhook 推送"},
	"header_injection":           {"en": "a subject, name or address may not hold a line break", "zh-CN": "主题、名称或地址中不能包含换行符"},
	"too_many_recipients":        {"en": "an email has at most 50 recipients", "zh-CN": "一封邮件最多 50 个收件人"},
	"invalid_smtp_settings":      {"en": "the SMTP settings are not valid", "zh-CN": "SMTP 设置有误"},
	"smtp_insecure_auth":         {"en": "SMTP credentials need STARTTLS or TLS unless the server is on this machine", "zh-CN": "除本机服务器外，SMTP 用户名和密码须通过 STARTTLS 或 TLS 发送"},
	"smtp_not_configured":        {"en": "the SMTP settings are not saved yet", "zh-CN": "尚未保存 SMTP 设置"},
	"smtp_failed":                {"en": "the SMTP server did not accept the email", "zh-CN": "SMTP 服务器未接受该邮件"},
	"recipient_not_allowed":      {"en": "the address is not on the allowed recipients of the SMTP settings", "zh-CN": "该地址不在 SMTP 设置允许的收件人中"},
	"email_not_found":            {"en": "the email does not exist", "zh-CN": "邮件不存在"},
	"email_not_retryable":        {"en": "only an email that gave up or whose delivery is uncertain can be retried", "zh-CN": "只能重试已停止重试或投递状态不确定的邮件"},
	"email_template_not_found":   {"en": "the email template does not exist", "zh-CN": "邮件模板不存在"},
	"email_template_exists":      {"en": "an email template with this name already exists", "zh-CN": "同名邮件模板已存在"},
	"approval_not_found":         {"en": "the approval does not exist", "zh-CN": "审批不存在"},
	"approval_process_not_found": {"en": "the approval process does not exist", "zh-CN": "审批流程不存在"},
	"approval_process_exists":    {"en": "an approval process with this name already exists", "zh-CN": "同名审批流程已存在"},
	"approval_pending":           {"en": "the record is already waiting for an approval", "zh-CN": "该记录已在审批中"},
	"approval_conflict":          {"en": "the approval changed while you acted; reload it and try again", "zh-CN": "审批状态已变化，请刷新后重试"},
	"already_decided":            {"en": "someone else decided this step a moment ago", "zh-CN": "该审批步骤刚刚已由他人处理"},
	"already_answered":           {"en": "you answered this step already", "zh-CN": "您已处理过该审批步骤"},
	"not_approver":               {"en": "you are not an approver of this step", "zh-CN": "您不是该步骤的审批人"},
	"not_pending":                {"en": "the approval is not waiting for an answer", "zh-CN": "该审批当前不在待处理状态"},
	"invalid_action":             {"en": "not an approval action", "zh-CN": "无效的审批操作"},
	"invalid_delegate":           {"en": "the approval cannot be delegated to this user", "zh-CN": "无法转交给该用户"},
	"no_approval_process":        {"en": "no approval process admits this record", "zh-CN": "没有适用于该记录的审批流程"},
	"entry_condition_not_met":    {"en": "the record does not meet the approval process's entry condition", "zh-CN": "记录不满足该审批流程的进入条件"},
	"no_approvers":               {"en": "the approval step has no active approver", "zh-CN": "该审批步骤没有可用的审批人"},
	"too_few_approvers":          {"en": "the approval step has too few approvers", "zh-CN": "该审批步骤的审批人数不足"},
	"no_start":                   {"en": "the approval process has no start", "zh-CN": "审批流程缺少开始节点"},
	"broken_process":             {"en": "the approval process is broken; an administrator must fix it", "zh-CN": "审批流程配置有误，请联系管理员修复"},
	"update_failed":              {"en": "the approval step could not update the record", "zh-CN": "审批步骤更新记录失败"},

	// Packages, export and import.
	"invalid_package":  {"en": "the package is not valid; nothing was changed", "zh-CN": "配置包有误，未做任何更改"},
	"invalid_export":   {"en": "the export is not valid", "zh-CN": "导出文件无效"},
	"not_empty":        {"en": "the target database is not empty", "zh-CN": "目标数据库不为空，无法导入"},
	"no_scratch_store": {"en": "package import needs a scratch database, and this server has none configured", "zh-CN": "此服务器未配置导入配置包所需的临时数据库"},

	// Record imports and list exports.
	"import_empty":              {"en": "the file is empty or has no data rows below its header", "zh-CN": "文件为空，或表头下没有数据行"},
	"import_unsupported_file":   {"en": "the file is neither CSV nor an Excel .xlsx workbook", "zh-CN": "文件不是 CSV 或 Excel .xlsx 格式"},
	"import_unreadable":         {"en": "the file cannot be read", "zh-CN": "无法读取该文件"},
	"import_unsafe_file":        {"en": "the workbook unpacks to far more than it holds and is refused", "zh-CN": "该工作簿解压后体积异常，已拒绝"},
	"import_too_large":          {"en": "the file is larger than imports accept", "zh-CN": "文件超过导入大小上限"},
	"import_too_many_rows":      {"en": "the file has more rows than imports accept", "zh-CN": "文件行数超过导入上限"},
	"import_invalid_header":     {"en": "the header row of the file is not valid", "zh-CN": "文件表头无效"},
	"import_invalid_mapping":    {"en": "the mapping of columns to fields is not valid", "zh-CN": "列与字段的对应关系无效"},
	"invalid_mapping":           {"en": "the mapping is not a JSON object of columns to fields", "zh-CN": "映射必须是列名到字段名的 JSON 对象"},
	"import_field_not_writable": {"en": "the import would write fields you may not write; nothing was imported", "zh-CN": "导入包含您无权写入的字段，未导入任何数据"},
	"import_invalid_key":        {"en": "the key of the upsert is not valid", "zh-CN": "更新导入的主键字段无效"},
	"import_invalid_option":     {"en": "the import mode or duplicate handling is not valid", "zh-CN": "导入模式或重复处理方式无效"},
	"import_not_found":          {"en": "the import does not exist", "zh-CN": "导入任务不存在"},
	"import_finished":           {"en": "the import is over and cannot be cancelled", "zh-CN": "导入已结束，无法取消"},
	"invalid_format":            {"en": "format is csv or xlsx", "zh-CN": "格式必须是 csv 或 xlsx"},
	"invalid_fields":            {"en": "the fields to export are not valid", "zh-CN": "导出字段无效"},
}

// Localized returns e as a reader of locale should see it. For a catalog language other than
// English, Message is the catalog's text for the code and Detail keeps the English message, which
// names the particulars (the object, the field, the place in the filter). English, languages the
// catalog does not speak, unknown codes and messages the engine already wrote in the reader's
// language give e itself, so their answer is as it always was.
func (e *Error) Localized(locale string) *Error {
	if e.lang != "" {
		return e
	}
	l, ok := errorTexts[e.Code]
	if !ok {
		return e
	}
	msg := l.In(locale)
	if msg == l["en"] {
		return e
	}
	out := *e
	out.Message = msg
	if e.Message != msg {
		out.Detail = e.Message
	}
	return &out
}

// errorText is the catalog's message for code in locale.
func errorText(code, locale string) string { return errorTexts[code].In(locale) }

// IsErrorCode reports whether code is one of the catalog's top-level error codes: the API's
// OpenAPI document names only such codes, and its test checks them here.
func IsErrorCode(code string) bool {
	_, ok := errorTexts[code]
	return ok
}
