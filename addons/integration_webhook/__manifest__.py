{
    "name": "Integration Webhooks",
    "summary": "Signed outbound webhooks (Standard Webhooks) fed by the event outbox, "
    "delivered by queue_job with retries, circuit breaker, dead letters and replay",
    "version": "18.0.1.1.0",
    "category": "Integrations",
    "license": "LGPL-3",
    "author": "Integration Backbone contributors",
    "website": "https://github.com/integration-backbone/odoo-integration-suite",
    "depends": ["integration_core", "queue_job"],
    "external_dependencies": {"python": ["urllib3", "certifi", "cryptography"]},
    "data": [
        "security/integration_webhook_security.xml",
        "security/ir.model.access.csv",
        "data/queue_job_data.xml",
        "data/ir_cron_data.xml",
        "wizards/integration_secret_reveal_views.xml",
        "wizards/integration_replay_wizard_views.xml",
        "views/integration_subscription_views.xml",
        "views/integration_delivery_views.xml",
        "views/integration_delivery_record_link_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "integration_webhook/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
