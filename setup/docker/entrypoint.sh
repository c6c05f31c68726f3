#!/bin/bash
# Entrypoint of the integration image.
#
# `odoo [ODOO_ARGS...]` (the default) or `-...`: write the Odoo configuration
# from the environment, wait for PostgreSQL, install the suite with demo data
# into $INTEGRATION_DB on the first start, then run Odoo with workers and the
# queue_job runner. Anything else is executed as is (e.g. `bash`).
#
# Environment (defaults in brackets):
#   DB_HOST [db] DB_PORT [5432] DB_USER [odoo] DB_PASSWORD [odoo]
#   INTEGRATION_DB [integration]   the database Odoo serves
#   ODOO_WORKERS [2]               HTTP workers
#   QUEUE_JOB_CHANNELS [root:1]    queue_job runner channels (name:capacity)
#   INTEGRATION_ENCRYPTION_KEY     Fernet key for secrets at rest; when empty,
#                                  one is generated once and kept in
#                                  /var/lib/odoo/integration-encryption.key
#   INTEGRATION_WEBHOOK_ALLOWED_NETWORKS  CIDRs exempt from the SSRF guard
#   INTEGRATION_UPDATE=1           update the suite's modules before starting
set -euo pipefail

case ${1:-odoo} in
    odoo) shift || true ;;
    -*) ;;
    *) exec "$@" ;;
esac

: "${DB_HOST:=db}" "${DB_PORT:=5432}" "${DB_USER:=odoo}" "${DB_PASSWORD:=odoo}"
: "${INTEGRATION_DB:=integration}" "${ODOO_WORKERS:=2}" "${QUEUE_JOB_CHANNELS:=root:1}"
: "${INTEGRATION_WEBHOOK_ALLOWED_NETWORKS:=}"
addons=${INTEGRATION_ADDONS_DIR:-/opt/integration/addons}
data_dir=${ODOO_DATA_DIR:-/var/lib/odoo}
conf=${ODOO_RC:-/etc/odoo/odoo.conf}

key=${INTEGRATION_ENCRYPTION_KEY:-}
if [[ -z $key ]]; then
    keyfile=$data_dir/integration-encryption.key
    if [[ ! -s $keyfile ]]; then
        (umask 077 && python3 -c \
            'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' \
            >"$keyfile")
        echo "entrypoint: generated the encryption key $keyfile in the odoo-data volume;" \
            "back it up (docker compose cp odoo:$keyfile .) or set" \
            "INTEGRATION_ENCRYPTION_KEY: stored secrets cannot be decrypted without it" >&2
    fi
    key=$(<"$keyfile")
fi

queue_job_dir=$(python3 -c '
import importlib.util, os
spec = importlib.util.find_spec("odoo.addons.queue_job")
print(os.path.dirname(list(spec.submodule_search_locations)[0]))')

(umask 077 && cat >"$conf" <<CONF
; Written by the entrypoint at every start from the environment.
[options]
addons_path = $addons,$queue_job_dir
data_dir = $data_dir
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = $DB_PASSWORD
; this one database by name, no dbfilter: with one, Odoo lists the databases
; over a new PostgreSQL connection for every API call (no session)
db_name = $INTEGRATION_DB
list_db = False
server_wide_modules = base,web,queue_job
workers = $ODOO_WORKERS
max_cron_threads = 1
limit_time_cpu = 60
limit_time_real = 120
integration_encryption_key = $key
integration_webhook_allowed_networks = $INTEGRATION_WEBHOOK_ALLOWED_NETWORKS

[queue_job]
channels = $QUEUE_JOB_CHANNELS
CONF
)

export PGPASSWORD=$DB_PASSWORD
for _ in $(seq 60); do
    pg_isready -q -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" && break
    sleep 1
done
pg_isready -q -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" \
    || { echo "entrypoint: PostgreSQL at $DB_HOST:$DB_PORT did not answer within 60 s" >&2; exit 1; }

modules=()
for manifest in "$addons"/*/__manifest__.py; do
    [[ -f $manifest ]] && modules+=("$(basename "$(dirname "$manifest")")")
done
((${#modules[@]})) || { echo "entrypoint: no module in $addons" >&2; exit 1; }
module_list=$(IFS=,; echo "${modules[*]}")

installed=$(psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$INTEGRATION_DB" -XAtq \
    -c "SELECT count(*) FROM ir_module_module
        WHERE state = 'installed' AND name = ANY(string_to_array('$module_list', ','))" \
    2>/dev/null || echo 0)
if ((installed < ${#modules[@]})); then
    echo "entrypoint: installing $module_list with demo data into $INTEGRATION_DB (first start: takes minutes)"
    odoo -c "$conf" -d "$INTEGRATION_DB" -i "$module_list" --without-demo= \
        --stop-after-init --workers=0 --max-cron-threads=0
elif [[ ${INTEGRATION_UPDATE:-} == 1 ]]; then
    echo "entrypoint: updating $module_list in $INTEGRATION_DB"
    odoo -c "$conf" -d "$INTEGRATION_DB" -u "$module_list" \
        --stop-after-init --workers=0 --max-cron-threads=0
fi

echo "entrypoint: Odoo on port 8069, database $INTEGRATION_DB, login admin / admin"
exec odoo -c "$conf" "$@"
