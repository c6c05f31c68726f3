{
    "name": "Integration Inventory Visibility",
    "summary": "Availability to promise for channels: GET /api/v1/availability, "
    "POST /api/v1/availability/check, channel allocation (buffer, cap), "
    "coalesced availability.changed events with compare-and-set figures",
    "version": "18.0.1.0.0",
    "category": "Integrations",
    "license": "LGPL-3",
    "author": "Integration Backbone contributors",
    "website": "https://github.com/integration-backbone/odoo-integration-suite",
    "depends": ["integration_distribution"],
    "data": [
        "security/ir.model.access.csv",
        "data/integration_event_type_data.xml",
        "data/queue_job_data.xml",
        "data/ir_cron_data.xml",
        "data/ir_config_parameter_data.xml",
        "data/integration_api_scope_data.xml",
        "views/integration_system_views.xml",
        "views/res_config_settings_views.xml",
        "views/integration_inventory_snapshot_views.xml",
        "views/integration_api_message_views.xml",
    ],
    "installable": True,
}
