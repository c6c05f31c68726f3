{
    "name": "Integration API",
    "summary": "Inbound REST API framework: scoped API keys, Idempotency-Key, "
    "JSON Schema validation, RFC 9457 errors, rate limits, request log, "
    "OpenAPI 3.1 and the pull event feed",
    "version": "18.0.1.0.0",
    "category": "Integrations",
    "license": "LGPL-3",
    "author": "Integration Backbone contributors",
    "website": "https://github.com/integration-backbone/odoo-integration-suite",
    "depends": ["base", "web", "mail", "queue_job", "integration_core"],
    "external_dependencies": {"python": ["jsonschema"]},
    "data": [
        "security/integration_api_security.xml",
        "security/ir.model.access.csv",
        "data/integration_api_scope_data.xml",
        "data/ir_config_parameter_data.xml",
        "data/ir_cron_data.xml",
        "data/queue_job_data.xml",
        "views/integration_api_key_views.xml",
        "views/integration_api_request_log_views.xml",
        "views/integration_api_message_views.xml",
        "views/integration_api_idempotency_views.xml",
        "wizards/integration_api_key_issue_wizard_views.xml",
        "views/integration_system_views.xml",
        "views/integration_api_menus.xml",
    ],
    "installable": True,
}
