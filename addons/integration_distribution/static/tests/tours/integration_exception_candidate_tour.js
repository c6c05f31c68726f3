import { registry } from "@web/core/registry";

/**
 * A clerk maps an unknown SKU from its exception by picking the best ranked
 * candidate: every order waiting for the code is created at once.
 */
registry.category("web_tour.tours").add("integration_exception_candidate_tour", {
    steps: () => [
        {
            content: "the exception of the unknown code is on the dashboard, counted three times",
            trigger: ".o_kanban_record:contains('lamp 7'):contains('3')",
            run: "click",
        },
        {
            content: "it is for a business user",
            trigger: ".o_field_widget[name='audience']:contains('Business')",
        },
        {
            content: "map it from the ranked candidates",
            trigger: ".o_statusbar_buttons button[name='action_open_map_wizard']",
            run: "click",
        },
        {
            content: "the best candidate comes first, matched on its internal reference",
            trigger: ".modal .o_data_row:first-child:contains('Reading lamp'):contains('Internal reference')",
        },
        {
            content: "a weaker candidate is listed after it",
            trigger: ".modal .o_data_row:nth-child(2):contains('Lamp shade')",
        },
        {
            content: "map to the best one",
            trigger: ".modal .o_data_row:first-child button[name='action_choose']",
            run: "click",
        },
        {
            content: "told the waiting exception is solved",
            trigger: ".o_notification:contains('Mapping saved'):contains('1 of 1')",
        },
        {
            content: "the exception is resolved",
            trigger: ".o_statusbar_status button[data-value='resolved'][aria-checked='true']",
        },
        {
            content: "resolved without more work by the clerk",
            trigger: ".o_field_widget[name='auto_resolved'] input:checked",
        },
    ],
});
