# shellcheck shell=bash
# Helpers shared by setup/test and setup/run. Sourced, not executed.
#
# Sets: root (the repository), py (array: the interpreter that runs Odoo,
# from PYTHON, default python3, e.g. PYTHON="python3 -X dev").

# shellcheck disable=SC2034  # used by the scripts that source this file
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
read -r -a py <<<"${PYTHON:-python3}"
prog=${prog:-setup/$(basename "$0")}

die() {
    printf '%s: %s\n' "$prog" "$*" >&2
    exit 2
}

require_odoo() {
    if ! "${py[@]}" -c 'import odoo' >/dev/null 2>&1; then
        die "'${py[*]} -c \"import odoo\"' fails: Odoo 18 must be importable by ${py[*]}" \
            "(install Odoo 18 and its requirements, or set PYTHON to the interpreter that has it)"
    fi
}

# require_postgres HOST PORT
require_postgres() {
    command -v pg_isready >/dev/null || die "pg_isready not found: install the PostgreSQL client tools"
    pg_isready -q -h "$1" -p "$2" \
        || die "PostgreSQL is not reachable at $1:$2 (pg_isready failed); start it or set PGHOST/PGPORT"
}

# suite_modules DIR: names of the installable modules in DIR, one a line.
suite_modules() {
    "${py[@]}" - "$1" <<'EOF'
import ast, pathlib, sys
for manifest in sorted(pathlib.Path(sys.argv[1]).glob("*/__manifest__.py")):
    try:
        installable = ast.literal_eval(manifest.read_text()).get("installable", True)
    except (SyntaxError, ValueError):
        installable = True  # let Odoo report the broken manifest
    if installable:
        print(manifest.parent.name)
EOF
}

# queue_job_addons_dir: the addons directory that holds OCA queue_job.
queue_job_addons_dir() {
    "${py[@]}" -c '
import importlib.util, os
spec = importlib.util.find_spec("odoo.addons.queue_job")
print(os.path.dirname(list(spec.submodule_search_locations)[0]))' 2>/dev/null \
        || die "OCA queue_job is not importable as odoo.addons.queue_job: run setup/install-requirements"
}

new_fernet_key() {
    "${py[@]}" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' \
        || die "cannot generate a Fernet key: is cryptography installed?"
}

require_pytest_odoo() {
    "${py[@]}" -c 'import pytest, pytest_odoo' >/dev/null 2>&1 \
        || die "pytest and pytest-odoo must be importable by ${py[*]}: run setup/install-requirements"
}
