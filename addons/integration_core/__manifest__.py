{
    "name": "Integration Core",
    "summary": "Partner systems, typed business events (transactional outbox), "
    "exceptions and the pure helpers of the integration suite",
    "version": "18.0.1.1.0",
    "category": "Integrations",
    "license": "LGPL-3",
    "author": "Integration Backbone contributors",
    "website": "https://github.com/integration-backbone/odoo-integration-suite",
    "depends": ["base", "mail"],
    "external_dependencies": {"python": ["jsonschema", "cryptography"]},
    "data": [
        "security/integration_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/integration_event_type_data.xml",
        "data/integration_event_source_data.xml",
        "views/integration_menus.xml",
        "views/integration_system_views.xml",
        "views/integration_event_type_views.xml",
        "views/integration_event_views.xml",
        "views/integration_exception_views.xml",
        "views/integration_record_link_views.xml",
        "views/integration_mapping_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/integration_exception_ignore_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "integration_core/static/src/views/integration_exception_kanban.js",
        ],
        "web.assets_tests": [
            "integration_core/static/tests/tours/*.js",
        ],
    },
    "demo": ["demo/integration_system_demo.xml"],
    "application": True,
    "installable": True,
}
