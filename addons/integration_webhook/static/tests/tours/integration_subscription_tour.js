import { registry } from "@web/core/registry";

/**
 * An admin subscribes a partner endpoint, copies its signing secret, then
 * checks another endpoint with "Send test event".
 */
registry.category("web_tour.tours").add("integration_subscription_tour", {
    steps: () => [
        {
            content: "new subscription",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "its name",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Shop order updates",
        },
        {
            content: "the partner's endpoint",
            trigger: ".o_field_widget[name='target_url'] input",
            run: "edit https://hooks.example.com/odoo",
        },
        {
            content: "the events it wants",
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
            content: "saved: the secret can be shown",
            trigger: ".o_statusbar_buttons button[name='action_reveal_new_secret']",
            run: "click",
        },
        {
            content: "the secret, shown once",
            trigger: ".modal .o_field_widget[name='plaintext']:contains('whsec_')",
        },
        {
            content: "copied: done",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "back to the list",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "open the local receiver's subscription",
            trigger: ".o_data_row:contains('Tour receiver') td.o_data_cell",
            run: "click",
        },
        {
            content: "send a test event",
            trigger: ".o_statusbar_buttons button[name='action_send_test_event']",
            run: "click",
        },
        {
            content: "it was delivered",
            trigger: ".o_notification:contains('Test event delivered')",
        },
    ],
});
