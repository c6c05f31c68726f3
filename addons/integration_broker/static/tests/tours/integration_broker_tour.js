import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const CONNECTION = "Event backbone";

function openConfiguration(menu, description) {
    return [
        {
            content: "the Configuration menu",
            trigger: ".o_menu_sections [data-menu-xmlid='integration_core.integration_menu_configuration']",
            run: "click",
        },
        {
            content: description,
            trigger: `.dropdown-item[data-menu-xmlid='${menu}']`,
            run: "click",
        },
    ];
}

/**
 * A new admin, with nothing but the menus, connects Odoo to RabbitMQ:
 * the broker connection (tested), a subscription publishing events to an
 * exchange (a test event sent), and a consumer reading a partner's queue
 * (the queue checked on the broker).
 */
registry.category("web_tour.tours").add("integration_broker_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("integration_core.integration_menu_root", "open Integrations"),
        ...openConfiguration(
            "integration_broker.integration_broker_connection_menu",
            "Broker Connections"
        ),
        {
            content: "new connection",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "its name",
            trigger: ".o_field_widget[name='name'] input",
            run: `edit ${CONNECTION}`,
        },
        {
            content: "the broker's URL, with its credentials",
            trigger: ".o_field_widget[name='url'] input",
            run: "edit amqp://guest:guest@127.0.0.1:5672/%2F",
        },
        {
            content: "the TLS settings are there",
            trigger: ".o_notebook .nav-link[name='tls']",
            run: "click",
        },
        {
            content: "certificate and host name verified by default",
            trigger: ".o_field_widget[name='tls_check_hostname'] input:checked",
        },
        {
            content: "save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved: shown without its password",
            trigger: ".o_field_widget[name='url'] input:value('amqp://guest:***@127.0.0.1:5672/%2F')",
        },
        {
            content: "not encrypted: the TLS tab says so",
            trigger: ".alert-warning:contains('not encrypted')",
        },
        {
            content: "test the connection",
            trigger: ".o_statusbar_buttons button[name='action_test_connection']",
            run: "click",
        },
        {
            content: "connected",
            trigger: ".o_notification:contains('Connected')",
        },
        ...openConfiguration(
            "integration_webhook.integration_subscription_menu",
            "Webhook Subscriptions"
        ),
        {
            content: "new subscription",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "its name",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Backbone events",
        },
        {
            content: "published to RabbitMQ",
            trigger: ".o_field_widget[name='transport'] input[data-value='rabbitmq']",
            run: "click",
        },
        {
            content: "the broker",
            trigger: ".o_field_widget[name='broker_connection_id'] input",
            run: `edit ${CONNECTION}`,
        },
        {
            content: "pick it",
            trigger: `.o-autocomplete--dropdown-item:contains('${CONNECTION}')`,
            run: "click",
        },
        {
            content: "the exchange",
            trigger: ".o_field_widget[name='broker_exchange'] input",
            run: "edit odoo-test.tour.events",
        },
        {
            content: "the routing key: the event type by default",
            trigger: ".o_field_widget[name='broker_routing_key'] input:value('{type}')",
        },
        {
            content: "the events",
            trigger: ".o_notebook .nav-link[name='events']",
            run: "click",
        },
        {
            content: "look for the ping event",
            trigger: ".o_field_widget[name='event_type_ids'] input",
            run: "edit integration.ping",
        },
        {
            content: "pick it",
            trigger: ".o-autocomplete--dropdown-item:contains('integration.ping')",
            run: "click",
        },
        {
            content: "save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "send a test event",
            trigger: ".o_statusbar_buttons button[name='action_send_test_event']",
            run: "click",
        },
        {
            content: "the broker confirmed it",
            trigger: ".o_notification:contains('Test event delivered')",
        },
        ...openConfiguration(
            "integration_broker.integration_broker_consumer_menu",
            "Broker Consumers"
        ),
        {
            content: "new consumer",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "its name",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Shop orders queue",
        },
        {
            content: "the partner system",
            trigger: ".o_field_widget[name='system_id'] input",
            run: "edit API shop",
        },
        {
            content: "pick it",
            trigger: ".o-autocomplete--dropdown-item:contains('API shop')",
            run: "click",
        },
        {
            content: "the broker",
            trigger: ".o_field_widget[name='connection_id'] input",
            run: `edit ${CONNECTION}`,
        },
        {
            content: "pick it",
            trigger: `.o-autocomplete--dropdown-item:contains('${CONNECTION}')`,
            run: "click",
        },
        {
            content: "the queue",
            trigger: ".o_field_widget[name='queue'] input",
            run: "edit odoo-test.tour.orders",
        },
        {
            content: "the API route its messages go through",
            trigger: ".o_field_widget[name='route'] select",
            run: 'select "POST /test/echo"',
        },
        {
            content: "two workers",
            trigger: ".o_field_widget[name='concurrency'] input",
            run: "edit 2",
        },
        {
            content: "save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved: no process runs it yet",
            trigger: ".alert-info:contains('Not running yet')",
        },
        {
            content: "check the queue on the broker",
            trigger: ".o_statusbar_buttons button[name='action_check_queue']",
            run: "click",
        },
        {
            content: "found, with the message waiting in it",
            trigger: ".o_notification:contains('Queue found'):contains('1 message(s) waiting')",
        },
    ],
});
