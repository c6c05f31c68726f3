{
    "name": "Integration Cockpit",
    "summary": "The overview the Integrations app opens on (a card per partner "
    "system), an interface monitor by system, interface and status, and "
    "business SLAs measured hourly into a time series with breach exceptions",
    "version": "18.0.1.0.0",
    "category": "Integrations",
    "license": "LGPL-3",
    "author": "Integration Backbone contributors",
    "website": "https://github.com/integration-backbone/odoo-integration-suite",
    "depends": ["integration_fulfilment", "integration_inventory"],
    "data": [
        "security/ir.model.access.csv",
        "security/integration_cockpit_security.xml",
        "data/ir_cron_data.xml",
        "views/integration_sla_measure_views.xml",
        "views/integration_interface_monitor_views.xml",
        "views/integration_system_views.xml",
        "views/integration_cockpit_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "integration_cockpit/static/src/scss/integration_cockpit.scss",
        ],
        "web.assets_tests": [
            "integration_cockpit/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
