{
    "name": "Integration Message Broker",
    "summary": "Event backbone on RabbitMQ: the outbox relayed to an exchange with "
    "publisher confirms and CloudEvents AMQP properties, and queue consumers feeding "
    "the inbound API pipeline",
    "version": "18.0.1.0.0",
    "category": "Integrations",
    "license": "LGPL-3",
    "author": "Integration Backbone contributors",
    "website": "https://github.com/integration-backbone/odoo-integration-suite",
    "depends": ["integration_webhook", "integration_api"],
    "external_dependencies": {"python": ["pika"]},
    "data": [
        "security/integration_broker_security.xml",
        "security/ir.model.access.csv",
        "views/integration_broker_connection_views.xml",
        "views/integration_subscription_views.xml",
        "views/integration_broker_consumer_views.xml",
        "views/integration_api_message_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "integration_broker/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
