{
    "name": "Integration Fulfilment",
    "summary": "Carrier milestones and proof of delivery: POST /api/v1/shipments/{ref}/events, "
    "a tracking timeline on deliveries that never moves backwards, delivery.confirmed; "
    "ship-confirm from the warehouse: POST /api/v1/shipments/{ref}/confirm with lots "
    "and SSCC packages",
    "version": "18.0.1.0.0",
    "category": "Integrations",
    "license": "LGPL-3",
    "author": "Integration Backbone contributors",
    "website": "https://github.com/integration-backbone/odoo-integration-suite",
    "depends": ["integration_distribution", "stock_delivery"],
    "data": [
        "security/ir.model.access.csv",
        "data/integration_event_type_data.xml",
        "data/ir_config_parameter_data.xml",
        "views/stock_picking_views.xml",
        "views/stock_picking_ship_confirm_views.xml",
    ],
    "installable": True,
}
