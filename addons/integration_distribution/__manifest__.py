{
    "name": "Integration Distribution",
    "summary": "Sales, stock and purchase glue of the integration suite: "
    "order.accepted and shipment.dispatched events, partner codes in payloads, "
    "the /api/v1/orders resource",
    "version": "18.0.1.0.0",
    "category": "Integrations",
    "license": "LGPL-3",
    "author": "Integration Backbone contributors",
    "website": "https://github.com/integration-backbone/odoo-integration-suite",
    "depends": [
        "integration_core",
        "integration_webhook",
        "integration_api",
        "sale_stock",
        "purchase_stock",
        "account",
    ],
    "data": [
        "data/integration_event_type_data.xml",
        "data/integration_api_scope_data.xml",
        "views/sale_order_views.xml",
        "views/integration_system_views.xml",
        "views/integration_document_links_views.xml",
        "views/integration_mapping_views.xml",
        "views/integration_exception_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "integration_distribution/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/res_users_demo.xml",
        "demo/integration_subscription_demo.xml",
        "demo/integration_mapping_demo.xml",
    ],
    "installable": True,
}
