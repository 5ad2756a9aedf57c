"""One function per user action, shared by cli.py and the web workbench.

Every service takes a ledger handle (services.ledgers.open_ledger) where it needs the ledger and plain
values, returns a result object, reports progress through a callback progress(done, total, label) and
warnings in its result, and never prints.

Who is asking (multi-unit deployment, services/accounts.py): a service whose results depend on the user
takes `scope: services.accounts.Principal | None = None`. None, the default, is the local single-user mode
and the CLI: everything. Otherwise it keeps only what the scope may see: in SQL with
`scope_where(scope, "r.reporting_unit", "e.name")` (a condition and its parameters, to AND into the query;
an 企业 account sees only rows of its enterprise, none where no enterprise column is given), for one
object with scope.can_see_unit(unit) / scope.can_see_enterprise(name, unit), answering "not found" for an
object the scope may not see. Changes are written to the audit log with scope.actor (ledger/audit.py).
"""
