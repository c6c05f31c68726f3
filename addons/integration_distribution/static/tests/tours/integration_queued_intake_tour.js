import { registry } from "@web/core/registry";

/**
 * A clerk processes a queued order message from the Inbound Messages list,
 * then the admin switches the system's order intake to Queued.
 */
registry.category("web_tour.tours").add("integration_queued_intake_tour", {
    steps: () => [
        {
            content: "the queued message is listed with its reference",
            trigger: ".o_data_row:contains('TOUR-ORDER-1') td.o_data_cell",
            run: "click",
        },
        {
            content: "it is queued",
            trigger: ".o_statusbar_status button[data-value='queued'][aria-checked='true']",
        },
        {
            content: "process it now",
            trigger: ".o_statusbar_buttons button[name='action_reprocess']:contains('Process now')",
            run: "click",
        },
        {
            content: "the order was created: the message is done",
            trigger: ".o_statusbar_status button[data-value='done'][aria-checked='true']",
        },
        {
            content: "open the partner system of the message",
            trigger: ".o_field_widget[name='system_id'] a",
            run: "click",
        },
        {
            content: "the Orders tab of the system",
            trigger: ".o_notebook .nav-link[name='orders']",
            run: "click",
        },
        {
            content: "choose the queued intake",
            trigger: ".o_field_widget[name='order_intake_mode'] input[data-value='queued']",
            run: "click",
        },
        {
            content: "the hint about queued orders appears",
            trigger: ".o_notebook p:contains('Inbound Messages')",
        },
        {
            content: "save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "saved",
            trigger: ".o_form_view:not(:has(.o_form_button_save:visible))",
        },
    ],
});
