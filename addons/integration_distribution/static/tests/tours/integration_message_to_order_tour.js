import { registry } from "@web/core/registry";

/**
 * A clerk gets a call about the web shop's order "TOUR-REF-7": finds its
 * message in Monitoring > Inbound Messages by the partner's reference, opens
 * the sale order from it, and comes back to the messages from the order.
 */
registry.category("web_tour.tours").add("integration_message_to_order_tour", {
    steps: () => [
        {
            content: "both orders' messages are listed",
            trigger: ".o_list_view:has(.o_data_row:contains('TOUR-REF-8')):has(.o_data_row:contains('TOUR-REF-7'))",
        },
        {
            content: "search by the partner's reference",
            trigger: "input.o_searchview_input",
            run: "edit TOUR-REF-7",
        },
        {
            content: "in the Reference field",
            trigger: ".o_searchview_autocomplete .o_menu_item:contains('Reference')",
            run: "click",
        },
        {
            content: "only that order's message is left",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('TOUR-REF-8'))) .o_data_row:contains('TOUR-REF-7') td.o_data_cell",
            run: "click",
        },
        {
            content: "the message names its sale order",
            trigger: ".o_field_widget[name='record_ref'] a:contains('S0')",
        },
        {
            content: "open the sale order",
            trigger: "button[name='action_open_document']:contains('Sales Order')",
            run: "click",
        },
        {
            content: "the sale order is open",
            trigger: ".o_breadcrumb .active:contains('S0')",
        },
        {
            content: "its messages as a smart button",
            trigger: ".o_form_view button[name='action_view_integration_messages']:contains('1')",
            run: "click",
        },
        {
            content: "the order's message, and only it",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('TOUR-REF-8'))) .o_data_row:contains('TOUR-REF-7')",
        },
    ],
});
