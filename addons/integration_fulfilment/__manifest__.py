{
    "name": "Integration Fulfilment",
    "summary": "Carrier milestones and proof of delivery: POST /api/v1/shipments/{ref}/events, "
    "a tracking timeline on deliveries that never moves backwards, delivery.confirmed; "
    "shipment.released to the warehouse, acknowledged at POST /api/v1/shipments/{ref}/ack; "
    "ship-confirm from the warehouse: POST /api/v1/shipments/{ref}/confirm with lots "
    "and SSCC packages",
    "version": "18.0.1.0.0",
    "category": "Integrations",
    "license": "LGPL-3",
    "author": "Integration Backbone contributors",
    "website": "https://github.com/integration-backbone/odoo-integration-suite",
    "depends": ["integration_distribution", "integration_inventory", "stock_delivery"],
    "data": [
        "security/ir.model.access.csv",
        "security/integration_security.xml",
        "data/integration_event_type_data.xml",
        "data/ir_config_parameter_data.xml",
        "data/ir_cron_release_data.xml",
        "views/stock_picking_views.xml",
        "views/stock_picking_release_views.xml",
        "views/integration_system_release_views.xml",
        "views/stock_picking_ship_confirm_views.xml",
    ],
    "demo": ["demo/integration_system_demo.xml"],
    "installable": True,
}
