{
    "name": "Integration After-sales",
    "summary": "Returns and invoices for partner systems: POST /api/v1/returns "
    "(RMA, checked against what was delivered, Odoo's return picking, refund "
    "per system policy), return.received, invoice.posted, "
    "GET /api/v1/invoices/{ref} and its PDF",
    "version": "18.0.1.0.0",
    "category": "Integrations",
    "license": "LGPL-3",
    "author": "Integration Backbone contributors",
    "website": "https://github.com/integration-backbone/odoo-integration-suite",
    "depends": ["integration_fulfilment", "account"],
    "data": [
        "security/ir.model.access.csv",
        "security/integration_aftersales_security.xml",
        "data/integration_event_type_data.xml",
        "data/integration_api_scope_data.xml",
        "views/integration_return_reason_views.xml",
        "views/integration_return_views.xml",
        "views/integration_system_views.xml",
        "views/stock_picking_views.xml",
    ],
    "demo": ["demo/integration_return_reason_demo.xml"],
    "installable": True,
}
